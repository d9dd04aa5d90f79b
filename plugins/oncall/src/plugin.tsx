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

export const oncallPlugin = createFrontendPlugin({
  pluginId: 'oncall',
  extensions: [onCallEntityCard],
});
