import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { DAY_MS } from '@internal/paved-road-common';
import { doraPermissions } from '@internal/plugin-dora-common';
import { DatabaseDoraStore } from './database/DatabaseDoraStore';
import { ALLOWED_ORGANIZATIONS_KEY, readDoraConfig } from './service/config';
import { IngestionService } from './service/ingestion';
import { MetricsService } from './service/metrics';
import { RollupRefresher } from './service/RollupRefresher';
import { createRouter } from './service/router';
import { GitHubWebhookService } from './service/GitHubWebhookService';
import { GithubBackfill } from './tasks/GithubBackfill';
import { Octokit } from '@octokit/rest';

/**
 * The DORA metrics backend: ingestion API, GitHub webhook receiver and the
 * metric queries, on the plugin's own database.
 *
 * @public
 */
export const doraPlugin = createBackendPlugin({
  pluginId: 'dora',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init({
        rootConfig,
        logger,
        database,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        scheduler,
        lifecycle,
        catalog,
      }) {
        const config = readDoraConfig(rootConfig);
        if (
          !config.github.allowedOrganizations &&
          (config.githubWebhookSecret || config.github.backfill.enabled)
        ) {
          logger.warn(
            `${ALLOWED_ORGANIZATIONS_KEY} is not set: GitHub webhooks and the backfill accept repositories of any organisation`,
          );
        }
        const store = await DatabaseDoraStore.create({ database });
        permissionsRegistry.addPermissions(doraPermissions);
        const refresher = new RollupRefresher({ store, logger });
        const ingestion = new IngestionService({
          store,
          catalog,
          auth,
          config,
          logger,
          refresher,
        });
        // After each batch this process stores, and on the scheduler for
        // the batches of other replicas and a refresh that failed.
        await scheduler.scheduleTask({
          id: 'dora-rollup-refresh',
          frequency: { seconds: 30 },
          timeout: { minutes: 5 },
          fn: () => refresher.refresh(),
        });
        lifecycle.addShutdownHook(() => refresher.idle());
        httpRouter.use(
          await createRouter({
            httpAuth,
            auth,
            permissions,
            config,
            ingestion,
            metrics: new MetricsService({ store, catalog, auth }),
            githubWebhooks: new GitHubWebhookService({
              config,
              catalog,
              auth,
              ingestion,
              logger,
            }),
          }),
        );

        const { backfill } = config.github;
        if (backfill.enabled) {
          const task = new GithubBackfill({
            octokit: new Octokit({
              baseUrl: config.github.apiBaseUrl,
              ...(config.github.token ? { auth: config.github.token } : {}),
            }),
            store,
            ingestion,
            catalog,
            auth,
            logger,
            lookbackMs: backfill.lookbackDays * DAY_MS,
            allowedOrganizations: config.github.allowedOrganizations,
          });
          // The scheduler locks the task in the database: one replica runs it.
          await scheduler.scheduleTask({
            id: 'dora-github-backfill',
            ...backfill.schedule,
            fn: async () => {
              await task.run();
            },
          });
        }
        // GitHub signs its deliveries instead of sending a Backstage token.
        httpRouter.addAuthPolicy({
          path: '/webhooks/github',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
