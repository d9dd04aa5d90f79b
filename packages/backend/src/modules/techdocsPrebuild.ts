import {
  AuthService,
  coreServices,
  createBackendModule,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  DEFAULT_NAMESPACE,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import {
  DirectoryPreparer,
  techdocsPreparerExtensionPoint,
} from '@backstage/plugin-techdocs-node';
import { standInsSettings } from './devStandIns';
import { DirectoryEtagPreparer } from './DirectoryEtagPreparer';

const TECHDOCS_REF = 'backstage.io/techdocs-ref';

/**
 * Whether to build docs at start: only where this backend builds them
 * (`techdocs.builder` local, upstream's default) and only on the embedded
 * default (`pavedRoad.standIns` configured and not `enabled: false`), never
 * under NODE_ENV=production.
 */
export function prebuildEnabled(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const builder = config.getOptionalString('techdocs.builder') ?? 'local';
  return (
    builder === 'local' &&
    standInsSettings(config) !== undefined &&
    env.NODE_ENV !== 'production'
  );
}

/**
 * Builds the docs of catalog entities through the TechDocs backend's own
 * sync endpoint (the one a reader's first visit calls), one entity at a
 * time, each entity once per process.
 */
export class TechDocsPrebuilder {
  /** Uids of entities synced since start (built, or found up to date). */
  private readonly synced = new Set<string>();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
    },
  ) {}

  /** Syncs every entity with docs that was not synced yet. */
  async run(signal?: AbortSignal): Promise<void> {
    const { catalog, auth, logger } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${TECHDOCS_REF}`]: CATALOG_FILTER_EXISTS,
        },
        fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.uid'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    for (const entity of items) {
      if (signal?.aborted) {
        return;
      }
      const uid = entity.metadata.uid;
      if (!uid || this.synced.has(uid)) {
        continue;
      }
      const ref = stringifyEntityRef(entity);
      try {
        const outcome = await this.sync(entity, signal);
        // A failed build is not retried here: a visit retries and shows why.
        this.synced.add(uid);
        if (outcome.error) {
          logger.warn(`TechDocs for ${ref} did not build: ${outcome.error}`);
        } else {
          logger.info(
            `TechDocs for ${ref} ${outcome.updated ? 'built' : 'up to date'}`,
          );
        }
      } catch (error) {
        // No answer, or a 5xx (starting, stopping): the next run retries.
        logger.warn(`TechDocs for ${ref} not synced yet: ${error}`);
      }
    }
  }

  private async sync(
    entity: Entity,
    signal?: AbortSignal,
  ): Promise<{ updated?: boolean; error?: string }> {
    const { auth, discovery } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'techdocs',
    });
    const path = [
      entity.metadata.namespace ?? DEFAULT_NAMESPACE,
      entity.kind,
      entity.metadata.name,
    ]
      .map(encodeURIComponent)
      .join('/');
    const response = await fetch(
      `${await discovery.getBaseUrl('techdocs')}/sync/${path}`,
      { headers: { Authorization: `Bearer ${token}` }, signal },
    );
    if (response.status >= 500) {
      throw new Error(`TechDocs answered ${response.status}`);
    }
    if (!response.ok) {
      return { error: `TechDocs answered ${response.status}` };
    }
    // The answer is an event stream that ends with the build.
    return lastOutcome(await response.text());
  }
}

/** The `finish` or `error` event of a sync's event stream. */
function lastOutcome(stream: string): { updated?: boolean; error?: string } {
  for (const block of stream.split('\n\n').reverse()) {
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (data === undefined) {
      continue;
    }
    if (event === 'finish') {
      return { updated: Boolean(JSON.parse(data).updated) };
    }
    if (event === 'error') {
      return { error: JSON.parse(data) };
    }
  }
  return { error: 'the sync ended without a result' };
}

/**
 * Embedded default only (see {@link prebuildEnabled}): builds the docs of
 * every catalog entity with `backstage.io/techdocs-ref` in the background at
 * start, and of entities registered later, so that a first visit shows the
 * docs instead of a build. With it, local `dir:` docs get an etag
 * ({@link DirectoryEtagPreparer}) so that visits do not rebuild what did not
 * change.
 */
export const techdocsModuleDevPrebuild = createBackendModule({
  pluginId: 'techdocs',
  moduleId: 'dev-prebuild',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        preparers: techdocsPreparerExtensionPoint,
      },
      async init({
        config,
        logger,
        scheduler,
        auth,
        discovery,
        urlReader,
        catalog,
        preparers,
      }) {
        if (!prebuildEnabled(config)) {
          return;
        }
        preparers.registerPreparer(
          'dir',
          new DirectoryEtagPreparer(
            DirectoryPreparer.fromConfig(config, { logger, reader: urlReader }),
          ),
        );
        const prebuilder = new TechDocsPrebuilder({
          catalog,
          auth,
          discovery,
          logger,
        });
        await scheduler.scheduleTask({
          id: 'techdocs-prebuild',
          // The sites go to this process's publisher, not a shared one.
          scope: 'local',
          // Soon after start, once the catalog has read its locations; then
          // often enough to pick up what golden paths register.
          initialDelay: { seconds: 5 },
          frequency: { seconds: 30 },
          timeout: { minutes: 15 },
          fn: signal => prebuilder.run(signal),
        });
      },
    });
  },
});
