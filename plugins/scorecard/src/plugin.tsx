import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  CatalogFilterBlueprint,
  EntityCardBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import AssessmentIcon from '@material-ui/icons/Assessment';
import { ScorecardClient, scorecardApiRef } from './api';
import { rootRouteRef } from './routes';

/** `api:scorecard`: the client of the scorecard backend. */
export const scorecardApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: scorecardApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ScorecardClient({ discoveryApi, fetchApi }),
    }),
});

/** `page:scorecard`: every service worst first, filters and team rollups, in the sidebar. */
export const scorecardPage = PageBlueprint.make({
  params: {
    path: '/scorecard',
    title: 'Scorecard',
    icon: <AssessmentIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/ScorecardPage').then(m => <m.ScorecardPage />),
  },
});

/** `entity-card:scorecard`: score, level, checks and history on every component. */
export const scorecardEntityCard = EntityCardBlueprint.make({
  name: 'scorecard',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityScorecardCard').then(m => (
        <m.EntityScorecardCard />
      )),
  },
});

/** `entity-card:scorecard/team`: the team's figures on every group page. */
export const scorecardTeamEntityCard = EntityCardBlueprint.make({
  name: 'team',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('./components/EntityTeamScorecardCard').then(m => (
        <m.EntityTeamScorecardCard />
      )),
  },
});

/**
 * `catalog-filter:scorecard/critical-failing`: a "Failing a critical check"
 * checkbox in the catalog's entity list filters.
 */
export const scorecardCriticalFailingFilter = CatalogFilterBlueprint.make({
  name: 'critical-failing',
  params: {
    loader: () =>
      import('./components/CriticalFailingFilter').then(m => (
        <m.CriticalFailingFilter />
      )),
  },
});

/** @public */
export const scorecardPlugin = createFrontendPlugin({
  pluginId: 'scorecard',
  extensions: [
    scorecardApi,
    scorecardPage,
    scorecardEntityCard,
    scorecardTeamEntityCard,
    scorecardCriticalFailingFilter,
  ],
  routes: {
    root: rootRouteRef,
  },
});
