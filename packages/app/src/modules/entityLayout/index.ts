import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { EntityContentLayoutBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** Every entity's overview in Paved Road's layout (see EntityOverviewLayout). */
const entityOverviewLayout = EntityContentLayoutBlueprint.make({
  name: 'paved-road',
  params: {
    loader: () =>
      import('./EntityOverviewLayout').then(m => m.EntityOverviewLayout),
  },
});

export const entityLayoutModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [entityOverviewLayout],
});
