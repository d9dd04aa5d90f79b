import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { onCallPermissions } from '@internal/plugin-oncall-common';
import {
  OnCallProvider,
  onCallProvidersExtensionPoint,
  StaticAnnotationOnCallProvider,
} from '@internal/plugin-oncall-node';
import { OnCallService } from './service/OnCallService';
import { createRouter } from './service/router';

/**
 * The on-call backend: who is on call for a component or a team, its
 * incidents, and paging the on-call, from the sources backend modules add
 * through onCallProvidersExtensionPoint (the `paved-road.io/on-call`
 * annotation answers last, for entities no source knows).
 *
 * @public
 */
export const onCallPlugin = createBackendPlugin({
  pluginId: 'oncall',
  register(env) {
    const providers: OnCallProvider[] = [];
    env.registerExtensionPoint(onCallProvidersExtensionPoint, {
      addProvider(...added) {
        for (const provider of added) {
          if (providers.some(p => p.id === provider.id)) {
            throw new Error(
              `Two on-call providers with the id '${provider.id}': install one module per source`,
            );
          }
          providers.push(provider);
        }
      },
    });
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        logger,
        httpRouter,
        httpAuth,
        userInfo,
        auth,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        permissionsRegistry.addPermissions(onCallPermissions);
        const service = new OnCallService({
          providers: [
            ...providers,
            StaticAnnotationOnCallProvider.create({ catalog, auth }),
          ],
          catalog,
          logger,
        });
        httpRouter.use(
          await createRouter({
            service,
            httpAuth,
            userInfo,
            permissions,
            catalog,
          }),
        );
      },
    });
  },
});
