import { Link } from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import doraPlugin, { DoraApi, doraApiRef } from '@internal/plugin-dora';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useId } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Loaded } from './Loaded';
import { isGroupRef, teamsWithMostServices } from './teams';

type DoraMetrics = Awaited<ReturnType<DoraApi['getMetrics']>>;
type DoraFigures = DoraMetrics['current'];
type PerformanceLevel = DoraFigures['leadTime']['level'];

/** The window of the figures, in days: one of the DORA page's presets. */
export const WINDOW_DAYS = 90;
/** How many teams someone in no team sees. */
const FALLBACK_TEAMS = 3;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const useStyles = makeStyles(theme => ({
  team: {
    '& + &': {
      marginTop: theme.spacing(2),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
  head: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'baseline',
    justifyContent: 'space-between',
    columnGap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
  // Two figures a row: a card is at least 360 px wide.
  figures: {
    display: 'grid',
    gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
    gap: theme.spacing(1, 2),
    margin: 0,
  },
  figure: { margin: 0, minWidth: 0 },
  value: { fontWeight: 600, overflowWrap: 'anywhere' },
  level: {
    display: 'inline-block',
    padding: theme.spacing(0, 0.75),
    borderRadius: theme.shape.borderRadius,
    fontSize: theme.typography.caption.fontSize,
    lineHeight: 1.6,
  },
  // The colours of the DORA page's level chips.
  elite: { backgroundColor: '#1b5e20', color: '#fff' },
  high: { backgroundColor: '#43a047', color: '#fff' },
  medium: { backgroundColor: '#f9a825', color: '#000' },
  low: { backgroundColor: '#c62828', color: '#fff' },
  'insufficient-data': { padding: 0, color: theme.palette.text.secondary },
  'no-threshold': { padding: 0, color: theme.palette.text.secondary },
}));

const LEVEL_LABELS: Record<PerformanceLevel, string> = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  'insufficient-data': 'Insufficient data',
  'no-threshold': 'No benchmark',
};

/**
 * The last `days` UTC days, today included, as the DORA page asks for them
 * (whole days: the same figures as the page, and the same query all day).
 */
export function lastDays(days: number, now = Date.now()) {
  const to = (Math.floor(now / DAY) + 1) * DAY;
  return {
    from: new Date(to - days * DAY).toISOString(),
    to: new Date(to).toISOString(),
  };
}

function round1(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '');
}

/** "45 min", "5.2 h", "3.1 days"; "—" when there is nothing to measure. */
function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < HOUR) return `${Math.max(1, Math.round(ms / MINUTE))} min`;
  if (ms < 2 * DAY) return `${round1(ms / HOUR)} h`;
  return `${round1(ms / DAY)} days`;
}

function formatPercent(rate: number | null): string {
  if (rate === null) return '—';
  const pct = rate * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

function formatFrequency(perDay: number, perWeek: number): string {
  return perDay >= 1 ? `${round1(perDay)} / day` : `${round1(perWeek)} / week`;
}

function hasData(figures: DoraFigures): boolean {
  return (
    figures.deploymentFrequency.deployments > 0 ||
    figures.leadTime.changes > 0 ||
    figures.recoveryTime.failedDeployments > 0 ||
    figures.recoveryTime.incidents.opened > 0
  );
}

interface TeamFigures {
  ref: string;
  metrics?: DoraMetrics;
  error?: Error;
}

async function loadTeamDelivery(
  catalogApi: typeof catalogApiRef.T,
  identityApi: typeof identityApiRef.T,
  doraApi: DoraApi,
) {
  const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
  const mine = ownershipEntityRefs.filter(isGroupRef);
  const teams = mine.length
    ? mine
    : await teamsWithMostServices(catalogApi, FALLBACK_TEAMS);
  const window = lastDays(WINDOW_DAYS);
  // One team's failure is that team's line, not the widget's.
  const figures = await Promise.all(
    teams.map(
      (ref): Promise<TeamFigures> =>
        doraApi.getMetrics({ scope: 'team', ref, ...window }).then(
          metrics => ({ ref, metrics }),
          (error: Error) => ({ ref, error }),
        ),
    ),
  );
  return { mine: mine.length > 0, teams: figures };
}

function Figure(props: {
  title: string;
  value: string;
  level: PerformanceLevel;
}) {
  const classes = useStyles();
  return (
    <div className={classes.figure}>
      <Typography variant="caption" color="textSecondary" component="dt">
        {props.title}
      </Typography>
      <dd className={classes.figure}>
        <Typography variant="body2" className={classes.value}>
          {props.value}
        </Typography>
        <span className={`${classes.level} ${classes[props.level]}`}>
          {LEVEL_LABELS[props.level]}
        </span>
      </dd>
    </div>
  );
}

function Figures({ figures }: { figures: DoraFigures }) {
  const classes = useStyles();
  const {
    deploymentFrequency: df,
    leadTime,
    changeFailureRate,
    recoveryTime,
  } = figures;
  return (
    <dl className={classes.figures}>
      <Figure
        title="Deployment frequency"
        value={formatFrequency(df.perDay, df.perWeek)}
        level={df.level}
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
        title="Recovery time"
        value={formatDuration(recoveryTime.medianMs)}
        level={recoveryTime.level}
      />
    </dl>
  );
}

function Team({ team }: { team: TeamFigures }) {
  const classes = useStyles();
  const headingId = useId();
  const metricsPage = useRouteRef(doraPlugin.routes.metrics);
  // The metrics tab itself: `/dora` redirects there and drops the query.
  const link =
    metricsPage &&
    `${metricsPage()}?${new URLSearchParams({
      scope: 'team',
      team: team.ref,
      window: String(WINDOW_DAYS),
    })}`;
  let body;
  if (team.error) {
    body = (
      <Typography variant="body2" color="error">
        Could not load the figures: {team.error.message}
      </Typography>
    );
  } else if (team.metrics && !hasData(team.metrics.current)) {
    body = (
      <Typography variant="body2" color="textSecondary">
        No deployments, changes or incidents in the last {WINDOW_DAYS} days.
      </Typography>
    );
  } else if (team.metrics) {
    body = <Figures figures={team.metrics.current} />;
  }
  return (
    <section className={classes.team} aria-labelledby={headingId}>
      <div className={classes.head}>
        <Typography variant="subtitle2" component="h3" id={headingId}>
          <EntityRefLink entityRef={team.ref} defaultKind="group" hideIcon />
        </Typography>
        {link && (
          <Typography variant="body2">
            <Link to={link}>DORA page</Link>
          </Typography>
        )}
      </div>
      {body}
    </section>
  );
}

/**
 * The DORA figures of the signed-in user's teams over the last 90 days —
 * the four keys with their levels — each with a link to the team on the
 * DORA page. Someone in no team sees the teams that own the most services.
 */
export function TeamDeliveryWidget() {
  const catalogApi = useApi(catalogApiRef);
  const identityApi = useApi(identityApiRef);
  const doraApi = useApi(doraApiRef);
  const state = useAsync(
    () => loadTeamDelivery(catalogApi, identityApi, doraApi),
    [catalogApi, identityApi, doraApi],
  );
  return (
    <Loaded state={state}>
      {({ mine, teams }) => (
        <>
          <Typography variant="body2" color="textSecondary" paragraph>
            {mine
              ? `Last ${WINDOW_DAYS} days, production deployments.`
              : `You are in no team yet, so here are the teams with the most services. Last ${WINDOW_DAYS} days, production deployments.`}
          </Typography>
          {teams.length === 0 && (
            <Typography variant="body2">No team owns a service yet.</Typography>
          )}
          {teams.map(team => (
            <Team key={team.ref} team={team} />
          ))}
        </>
      )}
    </Loaded>
  );
}
