import {
  AuthService,
  coreServices,
  createBackendModule,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { MINUTE_MS } from '@internal/paved-road-common';
import { fetchFromPlugin } from '@internal/paved-road-node';
import type { DoraEvent, IngestResponse } from '@internal/plugin-dora-common';
import { generateDoraHistory, HistoryService } from './doraHistory';
import { CATALOG_POLL_DEADLINE_MS, pollCatalogUntilQuiet } from './pollCatalog';
import { readStandInsConfig } from './standIns';

/**
 * Embedded default only: gives every deployable example service (catalog
 * Components of type `service` or `website`) six months of DORA history, so
 * the DORA page, the service tabs and the team views have figures, trends,
 * levels and drill-downs on the first visit. The fulfilment team ships like
 * an elite team, the payments team struggles, the others are in between
 * (see `DELIVERY_PROFILES`).
 *
 * Runs under the same guard as the other stand-ins (`pavedRoad.standIns`
 * configured, not `enabled: false`, never with NODE_ENV=production; off alone
 * with `pavedRoad.standIns.doraHistory.enabled: false`). After the dora
 * plugin starts, in the background, it sends the generated events through
 * the real ingestion API (`POST /api/dora/events`, batches of
 * `dora.ingestion.maxBatchSize`) as the dora plugin's own service principal,
 * so `dora.ingestion.allowedSubjects` must list `plugin:dora` (a 403 is
 * logged saying so). The catalog loads its file locations after start-up,
 * so it asks every 2 s and stops once three polls bring no new service. The
 * events are deterministic (see `generateDoraHistory`): sending them again,
 * on another start, stores nothing twice.
 */
export const doraModuleExampleHistory = createBackendModule({
  pluginId: 'dora',
  moduleId: 'example-history',
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
        const standIns = readStandInsConfig(config);
        const settings = standIns?.getOptionalConfig('doraHistory');
        if (!standIns || settings?.getOptionalBoolean('enabled') === false) {
          return;
        }
        const abort = new AbortController();
        let running: Promise<void> | undefined;
        // Not awaited: the dora API answers only once its plugin's startup
        // hooks (this one included) are done.
        lifecycle.addStartupHook(() => {
          running = sendExampleHistory({
            seed: settings?.getOptionalString('seed') ?? 'acme-freight',
            batchSize:
              config.getOptionalNumber('dora.ingestion.maxBatchSize') ?? 500,
            logger,
            discovery,
            auth,
            catalog,
            signal: abort.signal,
          }).catch(error =>
            logger.error(`Example DORA history not sent: ${error}`),
          );
        });
        lifecycle.addShutdownHook(async () => {
          abort.abort();
          await running;
        });
      },
    });
  },
});

/** Thrown for an answer that retrying cannot change (401, 403, 400...). */
class RefusedError extends Error {}

async function sendExampleHistory(options: {
  seed: string;
  batchSize: number;
  logger: LoggerService;
  discovery: DiscoveryService;
  auth: AuthService;
  catalog: CatalogService;
  signal: AbortSignal;
}) {
  const { logger, auth, signal } = options;
  const now = new Date();
  const credentials = await auth.getOwnServiceCredentials();
  const sent = new Set<string>();
  const totals = { events: 0, created: 0, duplicates: 0, updated: 0 };
  let lastError: unknown;
  logger.warn(
    'Sending example DORA history for the example services (simulated deliveries, not real ones)',
  );
  const outcome = await pollCatalogUntilQuiet({
    signal,
    poll: async () => {
      const { items } = await options.catalog.getEntities(
        {
          filter: { kind: 'Component', 'spec.type': ['service', 'website'] },
          fields: ['kind', 'metadata', 'spec'],
        },
        { credentials },
      );
      const fresh: HistoryService[] = items
        .filter(e => typeof e.spec?.owner === 'string')
        .map(e => ({
          ref: stringifyEntityRef(e),
          owner: stringifyEntityRef(
            parseEntityRef(e.spec!.owner as string, {
              defaultKind: 'group',
              defaultNamespace: e.metadata.namespace ?? 'default',
            }),
          ),
          lifecycle: e.spec?.lifecycle as string | undefined,
        }))
        .filter(s => !sent.has(s.ref));
      if (fresh.length > 0) {
        const events = generateDoraHistory({
          services: fresh,
          now,
          seed: options.seed,
        });
        for (let i = 0; i < events.length; i += options.batchSize) {
          const result = await post(
            options,
            events.slice(i, i + options.batchSize),
          );
          totals.created += result.created;
          totals.duplicates += result.duplicates;
          totals.updated += result.updated;
        }
        totals.events += events.length;
        fresh.forEach(s => sent.add(s.ref));
      }
      return fresh.length;
    },
    onError: error => {
      if (error instanceof RefusedError) throw error;
      // Catalog or DORA API not up yet: the next poll sends again, and what
      // was stored already comes back as duplicates.
      lastError = error;
      logger.debug(`Example DORA history: will retry (${error})`);
    },
  });
  if (outcome === 'loaded') {
    logger.info(
      `Example DORA history sent for ${sent.size} services: ${totals.events} events, ${totals.created} created, ${totals.updated} updated, ${totals.duplicates} already stored`,
    );
  } else if (outcome === 'deadline') {
    throw new Error(
      `gave up after ${CATALOG_POLL_DEADLINE_MS / MINUTE_MS} minutes with ${
        sent.size
      } services sent (${lastError ?? 'no service in the catalog'})`,
    );
  }
}

async function post(
  options: {
    discovery: DiscoveryService;
    auth: AuthService;
    signal: AbortSignal;
  },
  events: DoraEvent[],
): Promise<IngestResponse> {
  const response = await fetchFromPlugin(options, 'dora', 'events', {
    method: 'POST',
    json: { events },
    signal: options.signal,
  });
  if (response.ok) return response.json();
  const message = `POST /api/dora/events answered ${
    response.status
  }: ${await response.text()}`;
  if (response.status >= 500) throw new Error(message);
  throw new RefusedError(
    response.status === 403
      ? `${message} (the embedded default needs dora.ingestion.allowedSubjects: [plugin:dora])`
      : message,
  );
}
