import { stringifyEntityRef } from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { entityRefKey } from '@internal/paved-road-common';
import { errorMessage } from '@internal/paved-road-react';
import {
  levelOneNow,
  loadOnCallAnswers,
  OnCallApi,
  onCallApiRef,
  OnCallResult,
} from '@internal/plugin-oncall';
import { ScorecardApi, scorecardApiRef } from '@internal/plugin-scorecard';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import FlagIcon from '@material-ui/icons/Flag';
import useAsync from 'react-use/esm/useAsync';
import { Loaded } from './Loaded';

type CatalogApi = typeof catalogApiRef.T;
type Entity = Awaited<ReturnType<CatalogApi['getEntities']>>['items'][number];
type EntityScore = Awaited<
  ReturnType<ScorecardApi['listEntities']>
>['items'][number];

interface ServiceRow {
  service: Entity;
  onCall: OnCallResult;
  /** Undefined when the scorecard has not evaluated the service (yet). */
  score?: EntityScore;
}

const useStyles = makeStyles(theme => ({
  row: { width: '100%' },
  // Name and score on one line while they fit, the score below when not.
  head: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    columnGap: theme.spacing(1),
  },
  score: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  },
  details: {
    display: 'flex',
    flexWrap: 'wrap',
    columnGap: theme.spacing(1.5),
    overflowWrap: 'anywhere',
  },
}));

/** The most the scorecard lists in one page (its backend's maximum). */
const SCORE_LIMIT = 500;

/**
 * What to look at first: a failing critical check, then the lowest score
 * (none when no check applies); services the scorecard has not evaluated
 * last; then by name.
 */
function byConcern(a: ServiceRow, b: ServiceRow) {
  const rank = (row: ServiceRow) => {
    if (!row.score) return 2;
    return row.score.criticalFailing ? 0 : 1;
  };
  return (
    rank(a) - rank(b) ||
    (a.score?.score ?? Infinity) - (b.score?.score ?? Infinity) ||
    a.service.metadata.name.localeCompare(b.service.metadata.name)
  );
}

async function loadTeamServices(
  catalogApi: CatalogApi,
  identityApi: typeof identityApiRef.T,
  scorecardApi: ScorecardApi,
  onCallApi: OnCallApi,
) {
  const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
  const query = (owners?: string[]) =>
    catalogApi
      .getEntities({
        filter: {
          kind: 'Component',
          'spec.type': 'service',
          ...(owners ? { 'relations.ownedBy': owners } : {}),
        },
        fields: ['kind', 'metadata', 'relations'],
      })
      .then(response => response.items);
  const mine = ownershipEntityRefs.length
    ? await query(ownershipEntityRefs)
    : [];
  const services = mine.length ? mine : await query();
  // Who is on call for each service from the on-call backend (a few
  // requests at a time), and every score in one scorecard request; a
  // scorecard that does not answer leaves the services and their on-call
  // standing, as one service's on-call failing leaves the others'.
  const [onCall, scores] = await Promise.all([
    loadOnCallAnswers(
      onCallApi,
      services.map(service => stringifyEntityRef(service)),
    ),
    scorecardApi
      .listEntities({
        owner: mine.length ? ownershipEntityRefs : undefined,
        kind: ['component'],
        limit: SCORE_LIMIT,
      })
      .then(
        response => ({ items: response.items, error: undefined }),
        (error: Error) => ({ items: [], error }),
      ),
  ]);
  // Both are full refs (the scorecard's and stringifyEntityRef's).
  const scoreOf = new Map(
    scores.items.map(s => [entityRefKey(s.entityRef), s]),
  );
  const rows: ServiceRow[] = services.map((service, i) => ({
    service,
    onCall: onCall[i],
    score: scoreOf.get(entityRefKey(onCall[i].entityRef)),
  }));
  return {
    mine: mine.length > 0,
    rows: rows.sort(byConcern),
    scoreError: scores.error,
  };
}

/** `bronze` as "Bronze"; the level ids are the titles in lower case. */
function levelLabel(level: string | null) {
  return level
    ? level.charAt(0).toLocaleUpperCase('en-US') + level.slice(1)
    : 'No level';
}

function Score(props: { score?: EntityScore; unavailable: boolean }) {
  const classes = useStyles();
  const { score } = props;
  if (props.unavailable) {
    return null;
  }
  if (!score) {
    return (
      <Typography variant="caption" color="textSecondary">
        Not scored yet
      </Typography>
    );
  }
  const percent =
    score.score === null ? '—' : `${Math.round(score.score * 100)} %`;
  return (
    <span className={classes.score}>
      {score.criticalFailing && (
        <FlagIcon
          color="error"
          fontSize="small"
          titleAccess="Fails a critical check"
        />
      )}
      <Typography variant="body2" component="span">
        {levelLabel(score.level)} · {percent}
      </Typography>
    </span>
  );
}

/** Who answers first for the service now: its primary on every rotation. */
function OnCall({ result }: { result: OnCallResult }) {
  const shifts = result.answer ? levelOneNow(result.answer) : [];
  if (shifts.length > 0) {
    return (
      <span>
        On call:{' '}
        {shifts.map((shift, i) => {
          const { contact } = shift;
          return (
            <span key={i}>
              {i > 0 && ', '}
              {contact.userEntityRef && !contact.notInCatalog ? (
                <EntityRefLink entityRef={contact.userEntityRef} hideIcon>
                  {contact.name}
                </EntityRefLink>
              ) : (
                contact.name
              )}
            </span>
          );
        })}
      </span>
    );
  }
  let missing = 'Nobody on call';
  if (!result.answer) {
    missing = 'On call: unknown';
  } else if (result.answer.providerId === 'none') {
    missing = 'No on-call source';
  }
  return (
    <Typography
      variant="body2"
      component="span"
      color="error"
      // The backend's message (a ResponseError's cause) says why.
      title={result.error && errorMessage(result.error)}
    >
      {missing}
    </Typography>
  );
}

/**
 * The services of the signed-in user's teams, or every service for someone
 * in no team (the embedded default's guest): each with its scorecard level
 * and score, a flag when it fails a critical check, who is on call now and
 * its owner. The ones to look at first come first.
 */
export function TeamServicesWidget() {
  const classes = useStyles();
  const catalogApi = useApi(catalogApiRef);
  const identityApi = useApi(identityApiRef);
  const scorecardApi = useApi(scorecardApiRef);
  const onCallApi = useApi(onCallApiRef);
  const state = useAsync(
    () => loadTeamServices(catalogApi, identityApi, scorecardApi, onCallApi),
    [catalogApi, identityApi, scorecardApi, onCallApi],
  );
  return (
    <Loaded state={state}>
      {({ mine, rows, scoreError }) => (
        <>
          {!mine && (
            <Typography variant="body2" color="textSecondary">
              You are in no team yet, so here is every service.
            </Typography>
          )}
          {scoreError && (
            <Typography variant="body2" color="textSecondary">
              Scores unavailable: {scoreError.message}
            </Typography>
          )}
          <List dense disablePadding>
            {rows.map(({ service, onCall, score }) => {
              const owner = service.relations?.find(
                r => r.type === 'ownedBy',
              )?.targetRef;
              return (
                <ListItem key={onCall.entityRef} disableGutters>
                  <div className={classes.row}>
                    <div className={classes.head}>
                      <EntityRefLink entityRef={service} hideIcon />
                      <Score score={score} unavailable={Boolean(scoreError)} />
                    </div>
                    <Typography
                      variant="body2"
                      color="textSecondary"
                      component="div"
                      className={classes.details}
                    >
                      <OnCall result={onCall} />
                      {owner && (
                        <span>
                          Owner: <EntityRefLink entityRef={owner} hideIcon />
                        </span>
                      )}
                    </Typography>
                  </div>
                </ListItem>
              );
            })}
          </List>
        </>
      )}
    </Loaded>
  );
}
