import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { PagerDutyDouble } from '@internal/platform-api-doubles';
import { seedExampleOnCall } from './exampleOnCall';
import { pollCatalogUntilQuiet } from './pollCatalog';
import { readStandInsConfig } from './standIns';

/**
 * Embedded default only: a PagerDuty stand-in (the tests' API double) on
 * `pavedRoad.standIns.pagerDuty.port`, which `oncall.pagerduty.apiBaseUrl`
 * points at. As the catalog loads (see `pollCatalogUntilQuiet`), the
 * example organisation gets rotations and a few incidents there (see
 * `seedExampleOnCall`), and the double delivers signed v3 webhooks of every
 * incident change to this backend's `/api/oncall/pagerduty/webhooks`, as a
 * PagerDuty webhook subscription would, so incidents reach DORA as they
 * would in production.
 */
export const onCallModuleExamplePagerDuty = createBackendModule({
  pluginId: 'oncall',
  moduleId: 'example-pagerduty',
  register({ registerInit }) {
    registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({ config, logger, lifecycle, discovery, auth, catalog }) {
        const settings =
          readStandInsConfig(config)?.getOptionalConfig('pagerDuty');
        if (!settings) return;
        const pd = await new PagerDutyDouble(
          config.getString('oncall.pagerduty.token'),
        ).start(settings.getNumber('port'));
        const secret = config.getOptionalString(
          'oncall.pagerduty.webhookSecret',
        );
        if (secret) {
          pd.subscribeWebhooks(
            `${await discovery.getBaseUrl('oncall')}/pagerduty/webhooks`,
            secret,
          );
        }
        logger.warn(
          `PagerDuty stand-in running (not the real PagerDuty): ${pd.url}`,
        );
        const abort = new AbortController();
        let seeding: Promise<void> | undefined;
        lifecycle.addStartupHook(() => {
          seeding = (async () => {
            const credentials = await auth.getOwnServiceCredentials();
            const outcome = await pollCatalogUntilQuiet({
              signal: abort.signal,
              poll: async () => {
                const [users, components] = await Promise.all([
                  catalog.getEntities(
                    { filter: { kind: 'User' } },
                    { credentials },
                  ),
                  catalog.getEntities(
                    {
                      filter: {
                        kind: 'Component',
                        'metadata.annotations.pagerduty.com/service-id':
                          CATALOG_FILTER_EXISTS,
                      },
                    },
                    { credentials },
                  ),
                ]);
                const added = seedExampleOnCall(
                  pd,
                  { users: users.items, components: components.items },
                  new Date(),
                );
                if (added.length > 0) {
                  logger.info(
                    `PagerDuty stand-in: rotations for ${added.join(', ')}`,
                  );
                }
                return added.length;
              },
            });
            if (outcome === 'deadline') {
              throw new Error('no component named a PagerDuty service');
            }
          })().catch(error => {
            if (!abort.signal.aborted) {
              logger.error(`PagerDuty stand-in not seeded: ${error}`);
            }
          });
        });
        lifecycle.addShutdownHook(async () => {
          abort.abort();
          await seeding;
          await pd.close();
        });
      },
    });
  },
});
