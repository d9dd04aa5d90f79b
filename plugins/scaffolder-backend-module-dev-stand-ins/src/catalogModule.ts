import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';

/**
 * With local repositories (pavedRoad.repositories.type: local), golden paths
 * register their catalog-info.yaml as a `file` location, which the catalog
 * refuses by default (only `url`). This lets it accept both; without local
 * repositories it changes nothing.
 */
export const catalogModuleLocalRepositories = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'local-repositories',
  register({ registerInit }) {
    registerInit({
      deps: {
        config: coreServices.rootConfig,
        locations: catalogLocationsExtensionPoint,
      },
      async init({ config, locations }) {
        if (
          config.getOptionalString('pavedRoad.repositories.type') === 'local'
        ) {
          locations.setAllowedLocationTypes(['url', 'file']);
        }
      },
    });
  },
});
