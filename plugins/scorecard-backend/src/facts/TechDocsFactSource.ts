import {
  AuthService,
  DiscoveryService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { fetchFromPlugin } from '@internal/paved-road-node';
import { inspectDocsSource } from './docsSource';
import { FactSourceResult } from './types';

const TECHDOCS_REF = 'backstage.io/techdocs-ref';

/**
 * TechDocs facts of an entity. `techdocs.buildable`: the docs are declared
 * and their source holds what a build needs ({@link inspectDocsSource}).
 * `techdocs.built`: TechDocs has published them (its metadata endpoint
 * answers 200, 404 before), which a local builder does on first view, so it
 * says whether someone has read the docs more than whether they exist.
 */
export class TechDocsFactSource {
  constructor(
    private readonly options: {
      /** Reads docs sources that are not local directories. */
      reader: UrlReaderService;
      integrations: ScmIntegrationRegistry;
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** Milliseconds before a request to TechDocs is abandoned. */
      timeoutMs?: number;
    },
  ) {}

  async collect(entity: Entity): Promise<FactSourceResult> {
    const now = new Date();
    const ref = entity.metadata.annotations?.[TECHDOCS_REF];
    if (!ref) {
      return {
        source: 'techdocs',
        collectedAt: now,
        values: { techdocs: { ref: null, buildable: false, built: false } },
      };
    }
    const [docs, site] = await Promise.all([
      inspectDocsSource(entity, this.options),
      this.readSite(entity),
    ]);
    if ('unavailable' in docs) {
      return {
        source: 'techdocs',
        collectedAt: now,
        unavailable: docs.unavailable,
      };
    }
    return {
      source: 'techdocs',
      collectedAt: now,
      values: {
        techdocs: {
          ref,
          buildable: docs.buildable,
          config: docs.buildable ? docs.config : null,
          ...('unknown' in site ? {} : site),
        },
      },
      note: docs.buildable ? undefined : docs.why,
      // Whether the site is built does not decide whether the docs exist.
      unknown:
        'unknown' in site
          ? { 'techdocs.built': site.unknown, 'techdocs.builtAt': site.unknown }
          : undefined,
    };
  }

  /** Whether TechDocs has published the entity's site. */
  private async readSite(
    entity: Entity,
  ): Promise<{ built: boolean; builtAt: string | null } | { unknown: string }> {
    const namespace = entity.metadata.namespace ?? 'default';
    try {
      const response = await fetchFromPlugin(
        this.options,
        'techdocs',
        `metadata/techdocs/${encodeURIComponent(
          namespace,
        )}/${encodeURIComponent(entity.kind)}/${encodeURIComponent(
          entity.metadata.name,
        )}`,
        { timeoutMs: this.options.timeoutMs ?? 10_000 },
      );
      if (response.status === 200) {
        const metadata = (await response.json().catch(() => ({}))) as {
          build_timestamp?: number;
        };
        return {
          built: true,
          builtAt: metadata.build_timestamp
            ? new Date(metadata.build_timestamp).toISOString()
            : null,
        };
      }
      if (response.status === 404) {
        return { built: false, builtAt: null };
      }
      return {
        unknown: `TechDocs answered ${response.status} ${response.statusText}`,
      };
    } catch (error) {
      this.options.logger.debug(
        `TechDocs unreachable for ${entity.metadata.name}: ${error}`,
      );
      return {
        unknown: `TechDocs is unreachable: ${(error as Error).message}`,
      };
    }
  }
}
