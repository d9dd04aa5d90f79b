import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { entityRefKey } from '@internal/paved-road-common';
import useAsync from 'react-use/esm/useAsync';
import { scorecardApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { formatScore } from '../format';
import { worstChecks } from '../ScorecardPage/TeamRollupTable';

const FAILING_LIMIT = 10;

function Figure(props: {
  label: string;
  value: string | number;
  alert?: boolean;
}) {
  return (
    <Box>
      <Typography variant="overline" color="textSecondary">
        {props.label}
      </Typography>
      <Typography
        variant="h4"
        aria-label={props.label}
        color={props.alert ? 'error' : 'textPrimary'}
      >
        {props.value}
      </Typography>
    </Box>
  );
}

/**
 * The scorecard of a team (group page): its services' average score, how
 * many fail a critical check and which, and the checks most of them fail.
 * Figures include sub-teams, as the backend rolls them up.
 */
export function EntityTeamScorecardCard() {
  const { entity } = useEntity();
  const ownerRef = entityRefKey(entity);
  const api = useApi(scorecardApiRef);
  const scorecardLink = useRouteRef(rootRouteRef);

  const state = useAsync(async () => {
    const [teams, checks, failing] = await Promise.all([
      api.getTeams(),
      api.getChecks(),
      api.listEntities({
        owner: [ownerRef],
        criticalFailing: true,
        limit: FAILING_LIMIT,
      }),
    ]);
    return {
      team: teams.items.find(t => entityRefKey(t.owner) === ownerRef),
      checkTitles: new Map(checks.checks.map(c => [c.id, c.title])),
      failing,
    };
  }, [api, ownerRef]);

  let content;
  if (state.loading) {
    content = <Progress />;
  } else if (state.error) {
    content = <ResponseErrorPanel error={state.error} />;
  } else if (!state.value?.team || state.value.team.entityCount === 0) {
    content = (
      <EmptyState
        missing="data"
        title="No scorecard yet"
        description="No service owned by this team (or its sub-teams) has been evaluated yet."
      />
    );
  } else {
    const { team, checkTitles, failing } = state.value;
    content = (
      <>
        {team.criticalFailingCount > 0 && (
          <Box mb={2}>
            <Alert severity="error" variant="filled" role="alert">
              {team.criticalFailingCount} of {team.entityCount} services failing
              a critical check
            </Alert>
          </Box>
        )}
        <Box display="flex" flexWrap="wrap" style={{ gap: 24 }}>
          <Figure
            label="Average score"
            value={formatScore(team.averageScore)}
          />
          <Figure label="Services" value={team.entityCount} />
          <Figure
            label="Failing a critical check"
            value={team.criticalFailingCount}
            alert={team.criticalFailingCount > 0}
          />
        </Box>
        <Box mt={2}>
          <Typography variant="subtitle2">Most failed checks</Typography>
          <Typography variant="body2">
            {worstChecks(team.failingChecks, checkTitles)}
          </Typography>
        </Box>
        {failing.items.length > 0 && (
          <Box mt={2}>
            <Typography variant="subtitle2">
              Owned directly and failing a critical check
            </Typography>
            <List dense aria-label="Failing a critical check">
              {failing.items.map(item => (
                <ListItem key={item.entityRef} disableGutters>
                  <EntityRefLink entityRef={item.entityRef}>
                    {item.title ?? item.name}
                  </EntityRefLink>
                  &nbsp;— {formatScore(item.score)}:{' '}
                  {item.failingChecks
                    .map(id => checkTitles.get(id) ?? id)
                    .join(', ')}
                </ListItem>
              ))}
            </List>
            {failing.totalItems > failing.items.length && (
              <Typography variant="caption" color="textSecondary">
                and {failing.totalItems - failing.items.length} more
              </Typography>
            )}
          </Box>
        )}
        {team.entityCount !== team.direct.entityCount && (
          <Box mt={1}>
            <Typography variant="caption" color="textSecondary">
              Includes sub-teams: {team.direct.entityCount} of{' '}
              {team.entityCount} services are owned by this group directly.
            </Typography>
          </Box>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title="Scorecard"
      deepLink={
        scorecardLink
          ? { title: 'All services on the scorecard', link: scorecardLink() }
          : undefined
      }
    >
      {content}
    </InfoCard>
  );
}
