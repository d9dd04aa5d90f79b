import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { GoldenPathAccess } from './access/GoldenPathAccess';
import { createOwnerTeamLoader } from './access/ownerTeams';
import {
  goldenPathPermissions,
  ownerTeamResourceRef,
  ownerTeamRules,
} from './access/permissions';
import { createArgoCdRegisterAction } from './actions/argocd/register';
import { createVaultPolicyAction } from './actions/vault/policy';
import { createNamespaceProvisionAction } from './actions/kubernetes/namespace';
import { createPreflightAction } from './actions/preflight/preflight';
import { sweepExpiredNamespaces } from './actions/kubernetes/ttlSweep';

/**
 * The Paved Road scaffolder actions: `argocd:application:register`,
 * `vault:policy:write`, `kubernetes:namespace:provision` and
 * `paved-road:preflight` (all of a template's checks before its first
 * write), plus the scheduled sweep that removes expired ephemeral
 * namespaces. The embedded default's `git:repository:publish` and
 * `catalog:location:register` are dev-only and live with the stand-ins
 * (plugins/scaffolder-backend-module-dev-stand-ins).
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
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        scaffolder,
        config,
        logger,
        scheduler,
        catalog,
        auth,
        permissions,
        permissionsRegistry,
      }) {
        // The owner team is the resource of a golden-path write: the policy
        // answers with a condition, evaluated here on the team and its groups.
        permissionsRegistry.addResourceType({
          resourceRef: ownerTeamResourceRef,
          permissions: goldenPathPermissions,
          rules: Object.values(ownerTeamRules),
          getResources: createOwnerTeamLoader({ catalog, auth }),
        });
        const access = GoldenPathAccess.fromConfig(config, permissions);
        // What a preflight checks: the writes to systems outside the portal.
        const platformWrites = [
          createArgoCdRegisterAction({ config, access }),
          createVaultPolicyAction({ config, access }),
          createNamespaceProvisionAction({ config, access }),
        ];
        scaffolder.addActions(
          ...platformWrites,
          createPreflightAction({ actions: platformWrites }),
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
