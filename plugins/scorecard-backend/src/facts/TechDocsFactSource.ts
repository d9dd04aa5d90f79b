import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { FactSourceResult } from './types';

const TECHDOCS_REF = 'backstage.io/techdocs-ref';

/**
 * Asks the TechDocs backend whether an entity's docs were really built: its
 * metadata endpoint answers 200 once the docs are published, 404 before.
 */
export class TechDocsFactSource {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** Milliseconds before a request is abandoned. */
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
        values: { techdocs: { ref: null, built: false } },
      };
    }
    const namespace = entity.metadata.namespace ?? 'default';
    try {
      const baseUrl = await this.options.discovery.getBaseUrl('techdocs');
      const { token } = await this.options.auth.getPluginRequestToken({
        onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
        targetPluginId: 'techdocs',
      });
      const url = `${baseUrl}/metadata/techdocs/${encodeURIComponent(
        namespace,
      )}/${encodeURIComponent(entity.kind)}/${encodeURIComponent(
        entity.metadata.name,
      )}`;
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      if (response.status === 200) {
        const metadata = (await response.json().catch(() => ({}))) as {
          build_timestamp?: number;
        };
        return {
          source: 'techdocs',
          collectedAt: now,
          values: {
            techdocs: {
              ref,
              built: true,
              builtAt: metadata.build_timestamp
                ? new Date(metadata.build_timestamp).toISOString()
                : null,
            },
          },
        };
      }
      if (response.status === 404) {
        return {
          source: 'techdocs',
          collectedAt: now,
          values: { techdocs: { ref, built: false } },
        };
      }
      return {
        source: 'techdocs',
        collectedAt: now,
        unavailable: `TechDocs answered ${response.status} ${response.statusText}`,
      };
    } catch (error) {
      this.options.logger.debug(
        `TechDocs unreachable for ${entity.metadata.name}: ${error}`,
      );
      return {
        source: 'techdocs',
        collectedAt: now,
        unavailable: `TechDocs is unreachable: ${(error as Error).message}`,
      };
    }
  }
}
