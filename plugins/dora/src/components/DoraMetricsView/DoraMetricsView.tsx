import { useMemo, useRef, useState } from 'react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import { errorMessage } from '@internal/paved-road-react';
import {
  DoraDataQualityResponse,
  DoraMetricsResponse,
  DoraScope,
  DoraTarget,
} from '@internal/plugin-dora-common';
import useAsync from 'react-use/esm/useAsync';
import { DoraQuery, doraApiRef } from '../../api';
import { DataQualityPanel } from '../DataQualityPanel';
import {
  DEFINITIONS,
  LEVEL_NOTE,
  daysOf,
  deploymentsOf,
  isEmptyFigures,
  targetDefinition,
  targetPlace,
} from '../../lib/definitions';
import { DrillDown, DrillDownTab } from '../DrillDown';
import {
  formatDay,
  formatDuration,
  formatFrequency,
  formatPercent,
} from '../../lib/format';
import { MetricCard } from '../MetricCard';
import { NoDataEmptyState } from '../NoDataEmptyState';
import { WeeklyCharts } from '../WeeklyCharts';
import {
  DoraWindow,
  windowLength,
  windowPhrase,
  windowQuery,
} from '../../lib/window';

function movement(
  current: number | null,
  previous: number | null,
): 'up' | 'down' | 'flat' | 'none' {
  if (current === null || previous === null) return 'none';
  if (current === previous) return 'flat';
  return current > previous ? 'up' : 'down';
}

/** Nothing at all for this scope, in either window: time to onboard. */
export function hasNoData(
  metrics: DoraMetricsResponse,
  quality: DoraDataQualityResponse,
): boolean {
  return (
    isEmptyFigures(metrics.current) &&
    isEmptyFigures(metrics.previous) &&
    quality.deploymentsWithoutChanges === 0 &&
    quality.unknownCommits === 0 &&
    quality.unlinkedIncidents === 0 &&
    quality.undeployedChanges === 0
  );
}

function Figures(props: {
  metrics: DoraMetricsResponse;
  windowDays: number;
  onDrillDown: (tab: DrillDownTab) => void;
}) {
  const { metrics, windowDays, onDrillDown } = props;
  const { current: c, previous: p, trend } = metrics;
  const deployments = (count: number) => deploymentsOf(metrics.target, count);
  const df = c.deploymentFrequency;
  const lt = c.leadTime;
  const cfr = c.changeFailureRate;
  const rt = c.recoveryTime;
  const rw = c.reworkRate;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} sm={6} lg={4}>
        <MetricCard
          title="Deployment frequency"
          value={formatFrequency(df.perDay, df.perWeek)}
          details={`${df.deployments} ${deployments(
            df.deployments,
          )} on ${daysOf(df.deploymentDays)}`}
          level={df.level}
          trend={trend.deploymentFrequency}
          movement={movement(df.perDay, p.deploymentFrequency.perDay)}
          previousValue={formatFrequency(
            p.deploymentFrequency.perDay,
            p.deploymentFrequency.perWeek,
          )}
          windowDays={windowDays}
          definition={DEFINITIONS.deploymentFrequency}
          drillDownLabel="Show deployments"
          onDrillDown={() => onDrillDown('deployments')}
        />
      </Grid>
      <Grid item xs={12} sm={6} lg={4}>
        <MetricCard
          title="Lead time for changes"
          value={lt.medianMs === null ? '—' : `${formatDuration(lt.medianMs)}`}
          details={
            <>
              <div>
                Median · p90 {formatDuration(lt.p90Ms)} · {lt.changes} commits
                deployed
              </div>
              <div>
                Coding {formatDuration(lt.stages.codingMedianMs)} · Review{' '}
                {formatDuration(lt.stages.reviewMedianMs)} · Waiting to deploy{' '}
                {formatDuration(lt.stages.waitingToDeployMedianMs)}
              </div>
            </>
          }
          level={lt.level}
          trend={trend.leadTime}
          movement={movement(lt.medianMs, p.leadTime.medianMs)}
          previousValue={formatDuration(p.leadTime.medianMs)}
          windowDays={windowDays}
          definition={DEFINITIONS.leadTime}
          drillDownLabel="Show changes"
          onDrillDown={() => onDrillDown('changes')}
        />
      </Grid>
      <Grid item xs={12} sm={6} lg={4}>
        <MetricCard
          title="Change failure rate"
          value={formatPercent(cfr.rate)}
          details={`${cfr.failed} of ${cfr.deployments} ${deployments(
            cfr.deployments,
          )} needed intervention (incident ${cfr.byReason.incident}, rollback ${
            cfr.byReason.rollback
          }, hotfix ${cfr.byReason.hotfix})`}
          level={cfr.level}
          trend={trend.changeFailureRate}
          movement={movement(cfr.rate, p.changeFailureRate.rate)}
          previousValue={formatPercent(p.changeFailureRate.rate)}
          windowDays={windowDays}
          definition={DEFINITIONS.changeFailureRate}
          drillDownLabel="Show deployments"
          onDrillDown={() => onDrillDown('deployments')}
        />
      </Grid>
      <Grid item xs={12} sm={6} lg={4}>
        <MetricCard
          title="Failed deployment recovery time"
          value={formatDuration(rt.medianMs)}
          details={
            <>
              <div>
                {rt.failedDeployments === 0
                  ? 'No failed deployments in this window'
                  : `Median · ${rt.recovered} of ${
                      rt.failedDeployments
                    } failed deployments recovered${
                      rt.unrecovered > 0 ? ` (${rt.unrecovered} not yet)` : ''
                    }`}
              </div>
              <div>
                Incidents: open to resolve{' '}
                {formatDuration(rt.incidents.medianMs)} median ·{' '}
                {rt.incidents.resolved} of {rt.incidents.opened} resolved
              </div>
            </>
          }
          level={rt.level}
          trend={trend.recoveryTime}
          movement={movement(rt.medianMs, p.recoveryTime.medianMs)}
          previousValue={formatDuration(p.recoveryTime.medianMs)}
          windowDays={windowDays}
          definition={DEFINITIONS.recoveryTime}
          drillDownLabel="Show incidents"
          onDrillDown={() => onDrillDown('incidents')}
        />
      </Grid>
      <Grid item xs={12} sm={6} lg={4}>
        <MetricCard
          title="Rework rate"
          value={formatPercent(rw.rate)}
          details={`${rw.unplanned} of ${rw.deployments} ${deployments(
            rw.deployments,
          )} were unplanned fixes (hotfix or rollback)`}
          level={rw.level}
          trend={trend.reworkRate}
          movement={movement(rw.rate, p.reworkRate.rate)}
          previousValue={formatPercent(p.reworkRate.rate)}
          windowDays={windowDays}
          definition={DEFINITIONS.reworkRate}
          drillDownLabel="Show deployments"
          onDrillDown={() => onDrillDown('deployments')}
        />
      </Grid>
    </Grid>
  );
}

function Definitions(props: {
  thresholds: { version: string; source: string };
  target: DoraTarget;
}) {
  const items: Array<[string, string]> = [
    ['What counts', targetDefinition(props.target)],
    ['Deployment frequency', DEFINITIONS.deploymentFrequency],
    ['Lead time for changes', DEFINITIONS.leadTime],
    ['Change failure rate', DEFINITIONS.changeFailureRate],
    ['Failed deployment recovery time', DEFINITIONS.recoveryTime],
    ['Rework rate', DEFINITIONS.reworkRate],
    ['Incident links', DEFINITIONS.incidentLinks],
    [
      'Levels',
      `${LEVEL_NOTE} Cut-offs: ${props.thresholds.source} (version ${props.thresholds.version}).`,
    ],
  ];
  return (
    <InfoCard title="How these figures are defined">
      {items.map(([term, text]) => (
        <Typography key={term} variant="body2" paragraph>
          <strong>{term}:</strong> {text}
        </Typography>
      ))}
    </InfoCard>
  );
}

export interface DoraMetricsViewProps {
  scope: DoraScope;
  /** Entity ref for team and service scope. */
  entityRef?: string;
  /** How the scope is named in sentences, e.g. "the organisation". */
  subject: string;
  /** The last 30, 90 or 180 days, or a range of days. */
  window: DoraWindow;
  /** One environment instead of all production-tier ones. */
  environment?: string;
}

/** Figures, charts, data quality and drill-down for one scope and window. */
export function DoraMetricsView(props: DoraMetricsViewProps) {
  const { scope, entityRef, subject, window, environment } = props;
  const api = useApi(doraApiRef);
  // The backend's previous window is as long, ending at `from`.
  const windowDays = windowLength(window);
  // Whole UTC days: the same strings on every render of the day, so the
  // query below changes only with the window.
  const { from, to } = windowQuery(window);
  const query: DoraQuery = useMemo(
    () => ({ scope, ref: entityRef, from, to, environment }),
    [scope, entityRef, from, to, environment],
  );
  const [tab, setTab] = useState<DrillDownTab>('deployments');
  const drillDownRef = useRef<HTMLDivElement>(null);

  const state = useAsync(
    () => Promise.all([api.getMetrics(query), api.getDataQuality(query)]),
    [api, query],
  );

  if (state.loading) return <Progress />;
  if (state.error) {
    return (
      <ResponseErrorPanel
        error={state.error}
        title={`Could not load DORA metrics: ${errorMessage(state.error)}`}
      />
    );
  }
  const [metrics, quality] = state.value!;
  if (hasNoData(metrics, quality) && environment) {
    return (
      <InfoCard>
        <Typography variant="body1">
          No deployments of {subject} to the environment {environment}{' '}
          {windowPhrase(window)} or in the {windowDays} days before.
        </Typography>
      </InfoCard>
    );
  }
  if (hasNoData(metrics, quality)) {
    return (
      <NoDataEmptyState
        subject={subject}
        window={window}
        service={scope === 'service' ? entityRef : undefined}
      />
    );
  }

  const showDrillDown = (next: DrillDownTab) => {
    setTab(next);
    drillDownRef.current?.scrollIntoView?.({ behavior: 'smooth' });
  };

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Typography variant="body2" color="textSecondary">
          {formatDay(metrics.window.from)} –{' '}
          {formatDay(new Date(Date.parse(metrics.window.to) - 1).toISOString())}{' '}
          (UTC), compared with the {windowDays} days before. Figures count
          deployments to {targetPlace(metrics.target)}. Levels: DORA{' '}
          {metrics.thresholds.version}.
        </Typography>
        {scope === 'team' && metrics.owners && metrics.owners.length > 1 && (
          <Typography variant="body2" color="textSecondary">
            Includes the groups below this team:{' '}
            <EntityRefLinks
              entityRefs={metrics.owners.filter(o => o !== entityRef)}
              defaultKind="group"
            />
          </Typography>
        )}
      </Grid>
      <Grid item xs={12}>
        <Figures
          metrics={metrics}
          windowDays={windowDays}
          onDrillDown={showDrillDown}
        />
      </Grid>
      <Grid item xs={12}>
        <WeeklyCharts weekly={metrics.weekly} target={metrics.target} />
      </Grid>
      <Grid item xs={12}>
        <DataQualityPanel figures={metrics.current} quality={quality} />
      </Grid>
      <Grid item xs={12}>
        <div ref={drillDownRef}>
          <DrillDown query={query} tab={tab} onTabChange={setTab} />
        </div>
      </Grid>
      <Grid item xs={12}>
        <Definitions thresholds={metrics.thresholds} target={metrics.target} />
      </Grid>
    </Grid>
  );
}
