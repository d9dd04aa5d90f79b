import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCatalogLocationRegisterAction } from './actions/catalog/register';
import { createGitPublishAction } from './actions/git/publish';
import { readStandInsConfig } from './standIns';

/**
 * The embedded default's own scaffolder actions: `git:repository:publish`
 * (a bare repository under `pavedRoad.repositories.directory`, which the git
 * stand-in serves) and `catalog:location:register` (registers what it
 * published as a `file` location). Registered under the same guard as the
 * other stand-ins (`pavedRoad.standIns` configured and not `enabled: false`,
 * never with NODE_ENV=production). Production templates publish with the
 * upstream `publish:github` and `catalog:register` instead; the golden paths
 * pick one pair by `environment.parameters.repositories`, so these steps are
 * skipped there.
 */
export const scaffolderModuleLocalRepositories = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'local-repositories',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, catalog }) {
        if (!readStandInsConfig(config)) {
          return;
        }
        scaffolder.addActions(
          createGitPublishAction({ config }),
          createCatalogLocationRegisterAction({ catalog }),
        );
      },
    });
  },
});
