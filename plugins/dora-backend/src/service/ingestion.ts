import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DoraEvent,
  ENVIRONMENT_TIERS,
  EnvironmentTier,
} from '@internal/plugin-dora-common';
import { z } from 'zod';
import {
  DoraStore,
  IngestBatch,
  IngestResult,
  NewChange,
  NewDeployment,
  NewIncident,
} from '../database/types';
import { DoraConfig } from './config';
import { RollupRefresher } from './RollupRefresher';
import { normalizeEntityRef } from './entityRefs';
import { TtlMap } from './TtlMap';

const timestamp = z
  .string()
  .refine(v => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 timestamp');
const key = z.string().min(1).max(255);
const ref = z.string().min(1).max(255);
const sha = z.string().min(1).max(64);
const source = z.string().min(1).max(64).optional();

const deploymentSchema = z.object({
  type: z.literal('deployment'),
  idempotencyKey: key,
  service: ref,
  environment: z.string().min(1).max(255),
  environmentTier: z.enum(ENVIRONMENT_TIERS as [EnvironmentTier]).optional(),
  status: z.enum(['success', 'failure']),
  startedAt: timestamp.optional(),
  finishedAt: timestamp,
  commitSha: sha.optional(),
  commits: z.array(sha).max(1000).optional(),
  kind: z.enum(['regular', 'hotfix', 'rollback']).optional(),
  remediates: key.optional(),
  externalId: z.string().min(1).max(255).optional(),
  source,
});

const changeSchema = z.object({
  type: z.literal('change'),
  idempotencyKey: key,
  service: ref,
  commitSha: sha,
  authoredAt: timestamp,
  firstPushedAt: timestamp.optional(),
  prNumber: z.number().int().positive().optional(),
  prOpenedAt: timestamp.optional(),
  mergedAt: timestamp.optional(),
  squashMerge: z.boolean().optional(),
  source,
});

const incidentSchema = z.object({
  type: z.literal('incident'),
  idempotencyKey: key,
  service: ref,
  openedAt: timestamp,
  resolvedAt: timestamp.optional(),
  causedByDeployment: key.optional(),
  externalId: z.string().min(1).max(255).optional(),
  title: z.string().max(1024).optional(),
  source,
});

const eventSchema = z.discriminatedUnion('type', [
  deploymentSchema,
  changeSchema,
  incidentSchema,
]);

const t = (v: string) => Date.parse(v);
const tOrNull = (v: string | undefined) => (v === undefined ? null : t(v));

/** Derives the tier of an environment from config, else from its name. */
export function environmentTier(
  environment: string,
  configured: Record<string, EnvironmentTier>,
): EnvironmentTier {
  const exact = configured[environment];
  if (exact) return exact;
  const name = environment.toLowerCase();
  // Staging first: "pre-prod" must not read as "prod".
  if (/(stag|preprod|pre-prod|uat)/.test(name)) return 'staging';
  if (/(^|[^a-z])(prod|production|live)([^a-z]|$)/.test(name)) {
    return 'production';
  }
  if (
    /(^|[^a-z])(dev|development|test|qa|sandbox|preview)([^a-z]|$)/.test(name)
  ) {
    return 'development';
  }
  return 'other';
}

/**
 * Validates a batch of events (each error names the event index and field),
 * resolves services against the catalog, and stores the batch in one
 * transaction.
 */
export class IngestionService {
  /** Components known to the catalog, with their owner, for a while. */
  private readonly owners = new TtlMap<{ owner: string | null }>();

  constructor(
    private readonly options: {
      store: DoraStore;
      catalog: CatalogService;
      auth: AuthService;
      config: DoraConfig;
      logger: LoggerService;
      /** Folds the rollups a stored batch made stale, in the background. */
      refresher?: RollupRefresher;
    },
  ) {}

  /** Validates an untrusted request body. */
  parse(body: unknown): DoraEvent[] {
    const { maxBatchSize } = this.options.config;
    if (
      typeof body !== 'object' ||
      body === null ||
      !Array.isArray((body as any).events)
    ) {
      throw new InputError('events: expected an array of events');
    }
    const events: unknown[] = (body as any).events;
    if (events.length === 0) {
      throw new InputError('events: at least one event is required');
    }
    if (events.length > maxBatchSize) {
      throw new InputError(
        `events: at most ${maxBatchSize} events per request, got ${events.length}`,
      );
    }
    const errors: string[] = [];
    const parsed: DoraEvent[] = [];
    events.forEach((raw, index) => {
      const result = eventSchema.safeParse(raw);
      if (!result.success) {
        for (const issue of result.error.issues) {
          const field = issue.path.length ? `.${issue.path.join('.')}` : '';
          errors.push(`events[${index}]${field}: ${issue.message}`);
        }
        return;
      }
      const e = result.data;
      if (
        e.type === 'deployment' &&
        e.startedAt &&
        t(e.finishedAt) < t(e.startedAt)
      ) {
        errors.push(`events[${index}].finishedAt: is before startedAt`);
      }
      if (
        e.type === 'incident' &&
        e.resolvedAt &&
        t(e.resolvedAt) < t(e.openedAt)
      ) {
        errors.push(`events[${index}].resolvedAt: is before openedAt`);
      }
      if (
        e.type === 'change' &&
        e.mergedAt &&
        e.prOpenedAt &&
        t(e.mergedAt) < t(e.prOpenedAt)
      ) {
        errors.push(`events[${index}].mergedAt: is before prOpenedAt`);
      }
      if (
        e.type === 'deployment' &&
        e.remediates &&
        !['hotfix', 'rollback'].includes(e.kind ?? '')
      ) {
        errors.push(
          `events[${index}].remediates: only for kind hotfix or rollback`,
        );
      }
      parsed.push(e as DoraEvent);
    });
    if (errors.length) {
      const shown = errors.slice(0, 10).join('; ');
      const more =
        errors.length > 10 ? ` (and ${errors.length - 10} more)` : '';
      throw new InputError(`Invalid events: ${shown}${more}`);
    }
    return parsed;
  }

  /**
   * The owner of each Component of `refs` that is in the catalog (null:
   * none); refs the catalog does not know are left out. Known Components
   * are kept for CATALOG_TTL_MS, so a batch usually needs no catalog
   * request; an unknown one is looked up again each time.
   */
  private async ownersOf(refs: string[]): Promise<Map<string, string | null>> {
    const owners = new Map<string, string | null>();
    const missing: string[] = [];
    for (const r of refs) {
      const known = this.owners.get(r);
      if (known === undefined) missing.push(r);
      else owners.set(r, known.owner);
    }
    if (!missing.length) return owners;
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs: missing,
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.owner'],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    missing.forEach((r, i) => {
      const entity = items[i];
      if (!entity) return;
      const owner = entity.spec?.owner;
      const ownerRef =
        typeof owner === 'string' && owner
          ? stringifyEntityRef(
              parseEntityRef(owner, {
                defaultKind: 'group',
                defaultNamespace: entity.metadata.namespace ?? 'default',
              }),
            )
          : null;
      owners.set(r, ownerRef);
      this.owners.set(r, { owner: ownerRef });
    });
    return owners;
  }

  /** Catalog Components by normalized ref, with their owner. */
  private async resolveServices(
    events: DoraEvent[],
  ): Promise<Map<number, { serviceRef: string; ownerRef: string | null }>> {
    const normalized = new Map<number, string>();
    events.forEach((e, index) => {
      let r;
      try {
        r = normalizeEntityRef(e.service, 'component');
      } catch (error) {
        throw new InputError(
          `events[${index}].service: '${e.service}' is not an entity ref: ${
            (error as Error).message
          }`,
        );
      }
      if (!r.startsWith('component:')) {
        throw new InputError(
          `events[${index}].service: '${e.service}' is not a Component`,
        );
      }
      normalized.set(index, r);
    });
    const owners = await this.ownersOf([...new Set(normalized.values())]);
    const out = new Map<
      number,
      { serviceRef: string; ownerRef: string | null }
    >();
    for (const [index, serviceRef] of normalized) {
      if (!owners.has(serviceRef)) {
        throw new InputError(
          `events[${index}].service: unknown catalog Component '${serviceRef}'`,
        );
      }
      out.set(index, { serviceRef, ownerRef: owners.get(serviceRef)! });
    }
    return out;
  }

  /** Resolves and stores already validated events. */
  async ingest(
    events: DoraEvent[],
    options?: { delivery?: { id: string; event: string } },
  ): Promise<IngestResult> {
    const { config, store } = this.options;
    const services = await this.resolveServices(events);
    const batch: IngestBatch = { deployments: [], changes: [], incidents: [] };
    events.forEach((e, index) => {
      const { serviceRef, ownerRef } = services.get(index)!;
      if (e.type === 'deployment') {
        const d: NewDeployment = {
          index,
          idempotencyKey: e.idempotencyKey,
          serviceRef,
          ownerRef,
          environment: e.environment,
          environmentTier:
            e.environmentTier ??
            environmentTier(e.environment, config.environments),
          status: e.status,
          // Without a kind: regular, unless inferred a rollback once stored.
          kind: e.kind ?? 'regular',
          kindDeclared: e.kind !== undefined,
          remediates: e.remediates,
          startedAt: tOrNull(e.startedAt),
          finishedAt: t(e.finishedAt),
          commitSha: e.commitSha ?? null,
          commits: e.commits ?? [],
          source: e.source ?? 'api',
          externalId: e.externalId ?? null,
        };
        batch.deployments.push(d);
      } else if (e.type === 'change') {
        const c: NewChange = {
          index,
          idempotencyKey: e.idempotencyKey,
          serviceRef,
          commitSha: e.commitSha,
          prNumber: e.prNumber ?? null,
          authoredAt: t(e.authoredAt),
          firstPushedAt: tOrNull(e.firstPushedAt),
          prOpenedAt: tOrNull(e.prOpenedAt),
          mergedAt: tOrNull(e.mergedAt),
          squashMerge: e.squashMerge ?? false,
          source: e.source ?? 'api',
        };
        batch.changes.push(c);
      } else {
        const i: NewIncident = {
          index,
          idempotencyKey: e.idempotencyKey,
          serviceRef,
          ownerRef,
          openedAt: t(e.openedAt),
          resolvedAt: tOrNull(e.resolvedAt),
          causedByDeployment: e.causedByDeployment,
          externalId: e.externalId ?? null,
          title: e.title ?? null,
          source: e.source ?? 'api',
        };
        batch.incidents.push(i);
      }
    });
    const result = await store.ingest(batch, {
      delivery: options?.delivery,
      incidentLinkWindowMs: config.incidentLinkWindowMs,
    });
    if (!result.replay && (result.created || result.updated)) {
      this.options.refresher?.request();
    }
    return result;
  }
}
