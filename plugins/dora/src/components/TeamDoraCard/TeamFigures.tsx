import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { DoraFigures, PerformanceLevel } from '@internal/plugin-dora-common';
import {
  formatDuration,
  formatFrequency,
  formatPercent,
} from '../../lib/format';
import { LevelChip } from '../LevelChip';
import { DoraWindow, windowParams, windowQuery } from '../../lib/window';

/** A team's figures at a glance: the last 90 days, as a DORA page preset. */
const TEAM_WINDOW: DoraWindow = { kind: 'preset', days: 90 };

/** The `from`/`to` of a team's 90 days, whole UTC days (one query all day). */
export function teamWindowQuery() {
  return windowQuery(TEAM_WINDOW);
}

/**
 * The query string of the DORA metrics tab showing the team's same 90 days
 * (the tab itself: `/dora` redirects there and drops the query).
 */
export function teamViewSearch(teamRef: string): string {
  const params = new URLSearchParams({ scope: 'team', team: teamRef });
  for (const [key, value] of Object.entries(windowParams(TEAM_WINDOW))) {
    if (value !== undefined) params.set(key, value);
  }
  return params.toString();
}

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

/** The four keys with their levels, two a row. */
export function TeamDoraFigures(props: { figures: DoraFigures }) {
  const { deploymentFrequency, leadTime, changeFailureRate, recoveryTime } =
    props.figures;
  return (
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
