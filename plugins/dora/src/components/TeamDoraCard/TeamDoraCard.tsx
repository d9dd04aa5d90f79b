import Typography from '@material-ui/core/Typography';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { doraApiRef } from '../../api';
import { metricsRouteRef } from '../../routes';
import { isEmptyFigures } from '../../lib/definitions';
import {
  TeamDoraFigures,
  teamViewSearch,
  teamWindowQuery,
} from './TeamFigures';

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
  const { from, to } = teamWindowQuery();
  const state = useAsync(
    () => api.getMetrics({ scope: 'team', ref: teamRef, from, to }),
    [api, teamRef, from, to],
  );
  const deepLink = metricsLink
    ? {
        title: 'Open in DORA metrics',
        link: `${metricsLink()}?${teamViewSearch(teamRef)}`,
      }
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
    content = <TeamDoraFigures figures={state.value!.current} />;
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
