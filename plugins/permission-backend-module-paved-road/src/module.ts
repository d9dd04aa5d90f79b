import {
  coreServices,
  createBackendFeatureLoader,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readAccessConfig } from './config';
import { createLocationOwnershipRouter } from './locationOwnership';
import { PlatformLocationsProcessor } from './platformLocationsProcessor';
import { PavedRoadPermissionPolicy } from './policy';
import { RuntimeLocationRules } from './runtimeLocations';

/** Installs {@link PavedRoadPermissionPolicy} as the permission backend's policy. */
export const permissionModulePavedRoadPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'paved-road-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
        policy: policyExtensionPoint,
      },
      async init({ config, userInfo, policy }) {
        policy.setPolicy(
          new PavedRoadPermissionPolicy({
            ...readAccessConfig(config),
            getUserInfo: credentials => userInfo.getUserInfo(credentials),
          }),
        );
      },
    });
  },
});

/**
 * Checks that users outside the platform team register and unregister only
 * locations whose entities they own, and that locations registered at runtime
 * bring no Templates, Groups or Users and point only at the integrations'
 * hosts (at registration for users, on processing for everyone). Off when
 * `permission.enabled` is not true, like the policy itself.
 */
export const catalogModuleLocationOwnership = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'paved-road-location-ownership',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
        reader: coreServices.urlReader,
        processing: catalogProcessingExtensionPoint,
      },
      async init({
        config,
        httpRouter,
        httpAuth,
        auth,
        userInfo,
        catalog,
        reader,
        processing,
      }) {
        if (!config.getOptionalBoolean('permission.enabled')) {
          return;
        }
        const rules = RuntimeLocationRules.fromConfig(config);
        processing.addProcessor(new PlatformLocationsProcessor(rules));
        // Modules start before their plugin, so this runs ahead of the catalog's routes.
        httpRouter.use(
          createLocationOwnershipRouter({
            httpAuth,
            auth,
            catalog,
            reader,
            rules,
            platformTeam: readAccessConfig(config).platformTeam,
            getUserInfo: credentials => userInfo.getUserInfo(credentials),
          }),
        );
      },
    });
  },
});

/** Both halves of Paved Road's access control, added with one line. */
export default createBackendFeatureLoader({
  *loader() {
    yield permissionModulePavedRoadPolicy;
    yield catalogModuleLocationOwnership;
  },
});
