import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * A service's APIs tab (replacing api-docs' own `entity-content:api-docs/apis`):
 * the provided and consumed APIs in five columns instead of seven, so names
 * fit at 1024px instead of being cut off in their cells. The system and the
 * definition are one click away, on the API's own page.
 */
const apisContent = EntityContentBlueprint.make({
  name: 'apis',
  params: {
    path: '/apis',
    title: 'APIs',
    group: 'development',
    filter: { kind: 'component' },
    loader: () => import('./ApisContent').then(m => <m.ApisContent />),
  },
});

export const apiDocsModule = createFrontendModule({
  pluginId: 'api-docs',
  extensions: [apisContent],
});
