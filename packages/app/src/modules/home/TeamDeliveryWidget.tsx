import { Link } from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import doraPlugin, {
  DoraApi,
  doraApiRef,
  isEmptyFigures,
  TeamDoraFigures,
  teamViewSearch,
  teamWindowQuery,
} from '@internal/plugin-dora';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useId } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Loaded } from './Loaded';
import { isGroupRef, teamsWithMostServices } from './teams';

type DoraMetrics = Awaited<ReturnType<DoraApi['getMetrics']>>;

/** The window of the figures, in days (the DORA plugin's team window). */
export const WINDOW_DAYS = 90;
/** How many teams someone in no team sees. */
const FALLBACK_TEAMS = 3;

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
}));

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
  const window = teamWindowQuery();
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

function Team({ team }: { team: TeamFigures }) {
  const classes = useStyles();
  const headingId = useId();
  const metricsPage = useRouteRef(doraPlugin.routes.metrics);
  // The metrics tab itself: `/dora` redirects there and drops the query.
  const link = metricsPage && `${metricsPage()}?${teamViewSearch(team.ref)}`;
  let body;
  if (team.error) {
    body = (
      <Typography variant="body2" color="error">
        Could not load the figures: {team.error.message}
      </Typography>
    );
  } else if (team.metrics && isEmptyFigures(team.metrics.current)) {
    body = (
      <Typography variant="body2" color="textSecondary">
        No deployments, changes or incidents in the last {WINDOW_DAYS} days.
      </Typography>
    );
  } else if (team.metrics) {
    body = <TeamDoraFigures figures={team.metrics.current} />;
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
