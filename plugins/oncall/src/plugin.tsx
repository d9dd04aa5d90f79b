import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The on-call card on every component's overview. */
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
  extensions: [onCallEntityCard, teamOnCallEntityCard],
});
