import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { OnCallClient, onCallApiRef } from './api';

/** `api:oncall`: the client of the on-call backend. */
export const onCallApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: onCallApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OnCallClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * `entity-card:oncall/on-call`: on every component's overview, the owning
 * team, who is on call now and next, open incidents, paging the on-call,
 * the runbook and the dependencies with their on-call.
 */
export const onCallEntityCard = EntityCardBlueprint.make({
  name: 'on-call',
  params: {
    filter: { kind: 'component' },
    // Beside the About card, where an engineer paged at night looks first.
    type: 'info',
    loader: () => import('./components/OnCallCard').then(m => <m.OnCallCard />),
  },
});

/**
 * `entity-card:oncall/team-on-call`: on every group page, how to reach the
 * team and who is on call now for each component it owns, with the runbook.
 */
export const teamOnCallEntityCard = EntityCardBlueprint.make({
  name: 'team-on-call',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('./components/TeamOnCallCard').then(m => <m.TeamOnCallCard />),
  },
});

export const oncallPlugin = createFrontendPlugin({
  pluginId: 'oncall',
  extensions: [onCallApi, onCallEntityCard, teamOnCallEntityCard],
});
