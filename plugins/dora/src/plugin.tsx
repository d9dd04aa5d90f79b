import {
  ApiBlueprint,
  PageBlueprint,
  SubPageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import TimelineIcon from '@material-ui/icons/Timeline';
import { DoraClient, doraApiRef } from './api';
import { metricsRouteRef, rootRouteRef, sendDataRouteRef } from './routes';

/** `api:dora`: the client of the dora backend. */
export const doraApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: doraApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DoraClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * `page:dora`: the DORA page at `/dora`, in the sidebar (title and icon). Its
 * content is the two sub-pages below, shown as tabs.
 */
export const doraPage = PageBlueprint.make({
  params: {
    path: '/dora',
    title: 'DORA metrics',
    icon: <TimelineIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
  },
});

/** `sub-page:dora/metrics`: organisation, team or service figures. */
export const doraMetricsSubPage = SubPageBlueprint.make({
  name: 'metrics',
  attachTo: { id: 'page:dora', input: 'pages' },
  params: {
    path: 'metrics',
    title: 'Metrics',
    routeRef: metricsRouteRef,
    loader: () => import('./components/DoraPage').then(m => <m.DoraPage />),
  },
});

/** `sub-page:dora/send-data`: how to send deployments, changes and incidents. */
export const doraSendDataSubPage = SubPageBlueprint.make({
  name: 'send-data',
  attachTo: { id: 'page:dora', input: 'pages' },
  params: {
    path: 'send-data',
    title: 'Sending data',
    routeRef: sendDataRouteRef,
    loader: () =>
      import('./components/SendDataPage').then(m => <m.SendDataPage />),
  },
});

/** `entity-content:dora`: the DORA tab of every component of type service. */
export const doraEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'dora',
    title: 'DORA',
    filter: { kind: 'component', 'spec.type': 'service' },
    loader: () =>
      import('./components/EntityDoraContent').then(m => (
        <m.EntityDoraContent />
      )),
  },
});

/**
 * `entity-card:dora/team-metrics`: the four keys of a group over the last 90
 * days, with a link to the team on the DORA page.
 */
export const doraTeamMetricsCard = EntityCardBlueprint.make({
  name: 'team-metrics',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('./components/TeamDoraCard').then(m => <m.TeamDoraCard />),
  },
});

/** @public */
export const doraPlugin = createFrontendPlugin({
  pluginId: 'dora',
  extensions: [
    doraApi,
    doraPage,
    doraMetricsSubPage,
    doraSendDataSubPage,
    doraEntityContent,
    doraTeamMetricsCard,
  ],
  routes: {
    root: rootRouteRef,
    metrics: metricsRouteRef,
    sendData: sendDataRouteRef,
  },
});
