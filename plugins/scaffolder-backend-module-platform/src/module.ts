import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createArgoCdRegisterAction } from './actions/argocd/register';
import { createVaultPolicyAction } from './actions/vault/policy';
import { createNamespaceProvisionAction } from './actions/kubernetes/namespace';
import { sweepExpiredNamespaces } from './actions/kubernetes/ttlSweep';

/**
 * The Paved Road scaffolder actions: `argocd:application:register`,
 * `vault:policy:write` and `kubernetes:namespace:provision`, plus the
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
      },
      async init({ scaffolder, config, logger, scheduler }) {
        scaffolder.addActions(
          createArgoCdRegisterAction({ config }),
          createVaultPolicyAction({ config }),
          createNamespaceProvisionAction({ config }),
        );
        // The scheduler takes a database lock, so one replica sweeps at a time.
        await scheduler.scheduleTask({
          id: 'platform-namespace-ttl-sweep',
          frequency: { minutes: 5 },
          timeout: { minutes: 4 },
          initialDelay: { seconds: 30 },
          fn: async signal => {
            await sweepExpiredNamespaces({ config, logger, signal });
          },
        });
      },
    });
  },
});
