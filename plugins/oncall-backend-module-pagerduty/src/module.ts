import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { onCallProvidersExtensionPoint } from '@internal/plugin-oncall-node';
import { PagerDutyClient } from './client/PagerDutyClient';
import { readPagerDutyConfig } from './config';
import { IncidentForwarder } from './dora/IncidentForwarder';
import { ServiceMap } from './dora/ServiceMap';
import { createWebhookRouter, WEBHOOK_PATH } from './dora/webhookRouter';
import { PagerDutyOnCallProvider } from './provider/PagerDutyOnCallProvider';

/**
 * The PagerDuty on-call source: adds {@link PagerDutyOnCallProvider},
 * configured from `oncall.pagerduty`, to the on-call backend; receives
 * PagerDuty's v3 webhooks at `/api/oncall/pagerduty/webhooks` and sends
 * incidents to DORA, with a scheduled reconciliation for what webhooks
 * missed (unless `oncall.pagerduty.doraIncidents.enabled` is false).
 * Refuses to start without `oncall.pagerduty.token`: installed without a
 * key, the module could only fail later, on every on-call card.
 *
 * @public
 */
export const onCallModulePagerDuty = createBackendModule({
  pluginId: 'oncall',
  moduleId: 'pagerduty',
  register({ registerInit }) {
    registerInit({
      deps: {
        providers: onCallProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({
        providers,
        config,
        logger,
        httpRouter,
        scheduler,
        discovery,
        auth,
        catalog,
      }) {
        // Throws, naming oncall.pagerduty.token, when it is not set.
        const settings = readPagerDutyConfig(config);
        const client = PagerDutyClient.fromSettings(settings, logger);
        providers.addProvider(
          PagerDutyOnCallProvider.fromConfig(config, { logger, client }),
        );
        logger.info(`PagerDuty on-call source at ${settings.apiBaseUrl}`);
        if (!settings.doraIncidents) {
          return;
        }

        const services = new ServiceMap(catalog, auth);
        const forwarder = new IncidentForwarder({
          client,
          services,
          discovery,
          auth,
          logger,
        });
        httpRouter.use(
          createWebhookRouter({
            secret: settings.webhookSecret,
            forwarder,
            services,
          }),
        );
        // PagerDuty signs its deliveries; it has no Backstage token.
        httpRouter.addAuthPolicy({
          path: WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
        await scheduler.scheduleTask({
          id: 'pagerduty-incidents-to-dora',
          frequency: { milliseconds: settings.reconcileEveryMs },
          timeout: { minutes: 5 },
          // Not at start: the catalog and DORA may still be loading.
          initialDelay: { seconds: 30 },
          fn: async () => {
            const result = await forwarder.reconcile(
              settings.reconcileLookbackMs,
            );
            if (result.created + result.updated > 0) {
              logger.info(
                `PagerDuty incidents reconciled into DORA: ${result.created} new, ${result.updated} updated, ${result.duplicates} unchanged`,
              );
            }
          },
        });
      },
    });
  },
});
