import { setTimeout as sleep } from 'node:timers/promises';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { PagerDutyDouble } from '@internal/platform-api-doubles';
import { seedExampleOnCall } from './exampleOnCall';
import { readStandInsConfig } from './standIns';

/** How often the catalog is asked for components not seeded yet. */
const POLL_MS = 2_000;
/** Polls without a new component after which seeding stops. */
const QUIET_POLLS = 3;
/** Gives up if the catalog stays empty this long. */
const DEADLINE_MS = 5 * 60_000;

/**
 * Embedded default only: a PagerDuty stand-in (the tests' API double) on
 * `pavedRoad.standIns.pagerDuty.port`, which `oncall.pagerduty.apiBaseUrl`
 * points at. Once the catalog has loaded, the example organisation gets
 * rotations and a few incidents there (see `seedExampleOnCall`), and the
 * double delivers signed v3 webhooks of every incident change to this
 * backend's `/api/oncall/pagerduty/webhooks`, as a PagerDuty webhook
 * subscription would, so incidents reach DORA as they would in production.
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
            let quiet = 0;
            for (const deadline = Date.now() + DEADLINE_MS; ; ) {
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
                quiet = 0;
                logger.info(
                  `PagerDuty stand-in: rotations for ${added.join(', ')}`,
                );
              } else if (pd.services.size > 0 && ++quiet >= QUIET_POLLS) {
                return;
              }
              if (Date.now() > deadline) {
                throw new Error('no component named a PagerDuty service');
              }
              await sleep(POLL_MS, undefined, { signal: abort.signal });
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
