import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCatalogLocationRegisterAction } from './actions/catalog/register';
import { createGitPublishAction } from './actions/git/publish';
import { createArgoCdRegisterAction } from './actions/argocd/register';
import { createVaultPolicyAction } from './actions/vault/policy';
import { createNamespaceProvisionAction } from './actions/kubernetes/namespace';
import { sweepExpiredNamespaces } from './actions/kubernetes/ttlSweep';

/**
 * The Paved Road scaffolder actions: `argocd:application:register`,
 * `vault:policy:write`, `kubernetes:namespace:provision`,
 * `git:repository:publish` and `catalog:location:register`, plus the
 * scheduled sweep that removes expired ephemeral namespaces.
 */
export const scaffolderModulePlatform = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'platform',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, logger, scheduler, catalog }) {
        scaffolder.addActions(
          createArgoCdRegisterAction({ config }),
          createVaultPolicyAction({ config }),
          createNamespaceProvisionAction({ config }),
          createGitPublishAction({ config }),
          createCatalogLocationRegisterAction({ catalog }),
        );
        const sweepSchedule = config.getOptionalConfig(
          'pavedRoad.ttlSweep.schedule',
        );
        // The scheduler takes a database lock, so one replica sweeps at a time.
        await scheduler.scheduleTask({
          id: 'platform-namespace-ttl-sweep',
          ...(sweepSchedule
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                sweepSchedule,
              )
            : {
                frequency: { minutes: 5 },
                timeout: { minutes: 4 },
                initialDelay: { seconds: 30 },
              }),
          fn: async signal => {
            await sweepExpiredNamespaces({ config, logger, signal });
          },
        });
      },
    });
  },
});
