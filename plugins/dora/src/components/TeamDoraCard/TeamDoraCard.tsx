import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { PerformanceLevel } from '@internal/plugin-dora-common';
import useAsync from 'react-use/esm/useAsync';
import { doraApiRef } from '../../api';
import { metricsRouteRef } from '../../routes';
import { isEmptyFigures } from '../definitions';
import { formatDuration, formatFrequency, formatPercent } from '../format';
import { LevelChip } from '../MetricCard';
import { DoraWindow, windowParams, windowQuery } from '../window';

const WINDOW: DoraWindow = { kind: 'preset', days: 90 };

function Figure(props: {
  title: string;
  value: string;
  level: PerformanceLevel;
}) {
  return (
    <Grid item xs={6} component="section" aria-label={props.title}>
      <Typography variant="body2" color="textSecondary" component="h3">
        {props.title}
      </Typography>
      <Typography variant="h6" component="p">
        {props.value}
      </Typography>
      <LevelChip level={props.level} />
    </Grid>
  );
}

/**
 * The DORA card of a group: the team's four keys over the last 90 days
 * (child groups included, as on the DORA page), with their levels, and a
 * link to the same figures on the DORA page.
 */
export function TeamDoraCard() {
  const { entity } = useEntity();
  const teamRef = stringifyEntityRef(entity);
  const api = useApi(doraApiRef);
  const metricsLink = useRouteRef(metricsRouteRef);
  // Whole UTC days: the same strings on every render of the day.
  const { from, to } = windowQuery(WINDOW);
  const state = useAsync(
    () => api.getMetrics({ scope: 'team', ref: teamRef, from, to }),
    [api, teamRef, from, to],
  );

  // The metrics tab itself: `/dora` redirects there and drops the query.
  const params = new URLSearchParams({ scope: 'team', team: teamRef });
  for (const [key, value] of Object.entries(windowParams(WINDOW))) {
    if (value !== undefined) params.set(key, value);
  }
  const deepLink = metricsLink
    ? { title: 'Open in DORA metrics', link: `${metricsLink()}?${params}` }
    : undefined;

  let content;
  if (state.loading) {
    content = <Progress />;
  } else if (state.error) {
    content = (
      <Typography variant="body2" color="error">
        Could not load the DORA metrics: {state.error.message}
      </Typography>
    );
  } else if (isEmptyFigures(state.value!.current)) {
    content = (
      <Typography variant="body2" color="textSecondary">
        No deployments, changes or incidents for this team in the last 90 days.
      </Typography>
    );
  } else {
    const { deploymentFrequency, leadTime, changeFailureRate, recoveryTime } =
      state.value!.current;
    content = (
      <Grid container spacing={2}>
        <Figure
          title="Deployment frequency"
          value={formatFrequency(
            deploymentFrequency.perDay,
            deploymentFrequency.perWeek,
          )}
          level={deploymentFrequency.level}
        />
        <Figure
          title="Lead time for changes"
          value={formatDuration(leadTime.medianMs)}
          level={leadTime.level}
        />
        <Figure
          title="Change failure rate"
          value={formatPercent(changeFailureRate.rate)}
          level={changeFailureRate.level}
        />
        <Figure
          title="Failed deployment recovery time"
          value={formatDuration(recoveryTime.medianMs)}
          level={recoveryTime.level}
        />
      </Grid>
    );
  }

  return (
    <InfoCard
      title="DORA metrics"
      subheader="Last 90 days, production deployments"
      variant="gridItem"
      deepLink={deepLink}
    >
      {content}
    </InfoCard>
  );
}
