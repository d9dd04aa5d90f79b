import {
  DatabaseService,
  isDatabaseConflictError,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { IngestResultStatus } from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import {
  DoraChangeRow,
  DoraDeploymentRow,
  DoraEnvironment,
  DoraIncidentRow,
  ENVIRONMENT_TIERS,
  EnvironmentTier,
} from '@internal/plugin-dora-common';
import {
  BackfillCursor,
  DataQualityCounts,
  DETAIL_FIGURES,
  DoraStore,
  ScopeFilter,
  IngestBatch,
  IngestOptions,
  IngestResult,
  MetricsFilter,
  NewChange,
  NewIncident,
  RawFigures,
  SummaryOptions,
  WindowSummary,
} from './types';
import {
  CHANGE_METRICS,
  CHANGE_ROLLUPS,
  changeContributions,
  insertChangeEnvironments,
  rebuildDeploymentRollups,
  rebuildRollups,
  refreshChangeValues,
  refreshDeploymentFlags,
} from './rollups';
import { deploymentCounts, rollupsCover, rollupSummary } from './rollupSummary';
import { summarizeRaw } from '../service/figures';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-dora-backend',
  'migrations',
);

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Rows per INSERT and values per IN list; well below SQLite's variable limit. */
const CHUNK = 200;

/** Key of the advisory lock serialising stale-rollup refreshes. */
const STALE_ROLLUPS_LOCK = 0x646f7261; // 'dora'
/**
 * First key of the per-service ingestion locks, taken in PostgreSQL's
 * two-int4 form `pg_advisory_xact_lock(SERVICE_LOCK_CLASS, serviceLockKey)`.
 * That key space is distinct from the single-bigint one of
 * STALE_ROLLUPS_LOCK, so the two can never collide.
 */
const SERVICE_LOCK_CLASS = 0x646f7273; // 'dors'

/** The second key of a service's ingestion lock: int4 of a stable hash. */
function serviceLockKey(serviceRef: string): number {
  return createHash('sha256')
    .update(`dora-service:${serviceRef}`)
    .digest()
    .readInt32BE(0);
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** PostgreSQL returns bigint and count(*) as strings. */
function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

function iso(value: unknown): string {
  return new Date(Number(value)).toISOString();
}

function isoOrNull(value: unknown): string | null {
  return value === null ? null : iso(value);
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * The deployments the figures count, as a column of dora_deployments and its
 * value (bound as `:target` in raw SQL): production-tier environments by
 * default, else the picked environment by name, whatever its tier.
 */
function targetOf(filter: Pick<MetricsFilter, 'environment'>) {
  return filter.environment === undefined
    ? { column: 'environment_tier', value: 'production' }
    : { column: 'environment', value: filter.environment };
}

/**
 * Adds histogram increments (JSON keys: the table's key columns, then
 * scope kind, scope ref, metric, level, bucket, day) to a change rollup.
 * Only the cells whose count changed, in key order: batches of different
 * services share the organisation's and teams' cells, and lock them in one
 * order, so cannot deadlock on them.
 */
async function applyHistogramDeltas(
  trx: Knex.Transaction,
  rollup: { table: string; key: Array<[string, string]> },
  deltas: Map<string, number>,
) {
  const keyColumns = [
    ...rollup.key.map(([name]) => name),
    'scope_kind',
    'scope_ref',
    'metric',
    'level',
    'bucket',
    'day',
  ];
  const rows = [...deltas.entries()]
    .filter(([, n]) => n !== 0)
    .sort(([a], [b]) => (a < b ? -1 : Number(a > b)))
    .map(([k, n]) => ({
      ...Object.fromEntries(
        (JSON.parse(k) as unknown[]).map((v, i) => [keyColumns[i], v]),
      ),
      n,
    }));
  for (const part of chunks(rows, 100)) {
    await trx(rollup.table)
      .insert(part)
      .onConflict(keyColumns)
      .merge({ n: trx.raw(`${rollup.table}.n + excluded.n`) });
  }
}

/**
 * The knex-backed store of deployments, changes and incidents, with the
 * aggregate queries behind the metrics. Same SQL on PostgreSQL and SQLite.
 */
export class DatabaseDoraStore implements DoraStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseDoraStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    const store = new DatabaseDoraStore(client);
    await store.runPendingBackfills();
    return store;
  }

  private constructor(private readonly db: Knex) {}

  async ingest(
    batch: IngestBatch,
    options: IngestOptions,
  ): Promise<IngestResult> {
    // A concurrent delivery of the same keys makes one transaction fail on a
    // unique constraint; retried, it finds them stored and reports duplicates.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ingestOnce(batch, options);
      } catch (error) {
        if (attempt >= 3 || !isDatabaseConflictError(error)) throw error;
      }
    }
  }

  private async ingestOnce(
    batch: IngestBatch,
    options: IngestOptions,
  ): Promise<IngestResult> {
    const now = options.now ?? Date.now();
    return this.db.transaction(async trx => {
      await this.lockServices(trx, batch);
      if (options.delivery) {
        const seen = await trx('dora_webhook_deliveries')
          .where('delivery_id', options.delivery.id)
          .first();
        if (seen) {
          return { replay: true as const };
        }
        await trx('dora_webhook_deliveries').insert({
          delivery_id: options.delivery.id,
          event: options.delivery.event,
          received_at: now,
        });
      }

      const results = new Map<number, IngestResultStatus>();
      // Deployments whose failure flags or recovery may have changed.
      const touchedDeployments = new Set<number>();
      // UTC days whose deployment rollups this batch makes stale.
      const staleDays = new Set<number>();
      // service -> shas to relink: to the first production-tier deployment,
      // and to the first deployment to each environment.
      const touched = new Map<string, Set<string>>();
      const touchedAnywhere = new Map<string, Set<string>>();
      const touchIn = (
        map: Map<string, Set<string>>,
        service: string,
        sha: string,
      ) => {
        if (!map.has(service)) map.set(service, new Set());
        map.get(service)!.add(sha);
      };
      const touch = (service: string, sha: string) => {
        touchIn(touched, service, sha);
        touchIn(touchedAnywhere, service, sha);
      };

      // Deployments
      const newDeployments = await this.filterNew(
        trx,
        'dora_deployments',
        batch.deployments,
        results,
      );
      for (const part of chunks(newDeployments, 50)) {
        await trx('dora_deployments').insert(
          part.map(d => ({
            idempotency_key: d.idempotencyKey,
            service_ref: d.serviceRef,
            owner_ref: d.ownerRef,
            environment: d.environment,
            environment_tier: d.environmentTier,
            status: d.status,
            kind: d.kind,
            started_at: d.startedAt,
            finished_at: d.finishedAt,
            commit_sha: d.commitSha,
            source: d.source,
            external_id: d.externalId,
            created_at: now,
          })),
        );
      }
      const deploymentIds = await this.idsByKey(
        trx,
        'dora_deployments',
        newDeployments.map(d => d.idempotencyKey),
      );
      const commitRows: Array<{
        deployment_id: number;
        service_ref: string;
        commit_sha: string;
      }> = [];
      for (const d of newDeployments) {
        const id = deploymentIds.get(d.idempotencyKey)!;
        // A new deployment's flags start right (nothing points at it yet;
        // a remediation or incident in this batch touches it below): only
        // its day's counts change.
        if (d.status === 'success') {
          staleDays.add(Math.floor(d.finishedAt / DAY_MS));
        }
        const shas = new Set(d.commits);
        if (d.commitSha) shas.add(d.commitSha);
        for (const sha of shas) {
          commitRows.push({
            deployment_id: id,
            service_ref: d.serviceRef,
            commit_sha: sha,
          });
          if (d.environmentTier === 'production' && d.status === 'success') {
            touch(d.serviceRef, sha);
          } else if (d.status === 'success') {
            touchIn(touchedAnywhere, d.serviceRef, sha);
          }
        }
        if (d.remediates) {
          const target = await this.findDeployment(
            trx,
            d.serviceRef,
            d.remediates,
          );
          if (!target || target === id) {
            throw new InputError(
              `events[${d.index}].remediates: no deployment '${d.remediates}' of ${d.serviceRef}`,
            );
          }
          await trx('dora_deployments')
            .where('id', id)
            .update({ remediates_deployment_id: target });
          touchedDeployments.add(target);
        }
        results.set(d.index, 'created');
      }
      for (const part of chunks(commitRows, 300)) {
        await trx('dora_deployment_commits').insert(part);
      }

      // Changes: a second event for the same (service, commit) fills the gaps
      const newChanges = await this.filterNew(
        trx,
        'dora_changes',
        batch.changes,
        results,
      );
      await this.upsertChanges(trx, newChanges, results, now);
      for (const c of newChanges) touch(c.serviceRef, c.commitSha);

      await this.relinkChanges(trx, touched);
      await this.relinkChangeEnvironments(trx, touchedAnywhere);

      // Incidents, in order: a later event may resolve an earlier one
      const newIncidents = await this.filterNew(
        trx,
        'dora_incidents',
        batch.incidents,
        results,
      );
      for (const incident of newIncidents) {
        results.set(
          incident.index,
          await this.upsertIncident(
            trx,
            incident,
            options,
            now,
            touchedDeployments,
          ),
        );
      }
      await this.markDeploymentRollupsStale(trx, touchedDeployments, staleDays);

      const sorted = [...results.entries()].sort((a, b) => a[0] - b[0]);
      const count = (s: IngestResultStatus) =>
        sorted.filter(([, v]) => v === s).length;
      return {
        replay: false as const,
        created: count('created'),
        duplicates: count('duplicate'),
        updated: count('updated'),
        results: sorted.map(([index, status]) => ({ index, status })),
      };
    });
  }

  /**
   * Serialises batches that touch the same service, for the whole transaction.
   *
   * Each batch runs in one READ COMMITTED transaction, which does not see the
   * rows of a concurrent one until it commits. Unserialised, a change and the
   * production deployment that ships it, sent in two requests at the same
   * moment, are each relinked without the other and the change stays
   * unlinked for good; two production deployments of the same commit sent at
   * once both count the change in the change-day histograms. Under the lock,
   * a batch's statements start after the previous batch of the same service
   * committed, so they see its rows. Everything a batch writes belongs to the
   * services of its events: deployments, changes and incidents, and the
   * deployments a deployment remediates or an incident names (looked up
   * within the same service).
   *
   * PostgreSQL: one transaction-scoped advisory lock per service, taken in
   * ascending key order in one statement (ORDER BY is applied before the
   * volatile select list is evaluated), so two batches cannot deadlock; two
   * services sharing a hash merely share a lock. SQLite: nothing to take, it
   * has a single writer (and Backstage's client a single connection), so
   * transactions already run one after the other.
   */
  private async lockServices(trx: Knex.Transaction, batch: IngestBatch) {
    if (this.db.client.config.client !== 'pg') return;
    const services = new Set<string>();
    for (const e of [
      ...batch.deployments,
      ...batch.changes,
      ...batch.incidents,
    ]) {
      services.add(e.serviceRef);
    }
    if (!services.size) return;
    const keys = [...new Set([...services].map(serviceLockKey))].sort(
      (x, y) => x - y,
    );
    await trx.raw(
      'SELECT pg_advisory_xact_lock(?, k) FROM unnest(?::int4[]) AS t(k) ORDER BY k',
      [SERVICE_LOCK_CLASS, `{${keys.join(',')}}`],
    );
  }

  /**
   * Drops events whose idempotency key was stored before or repeats earlier
   * in the batch, marking them as duplicates.
   */
  private async filterNew<T extends { index: number; idempotencyKey: string }>(
    trx: Knex.Transaction,
    table: string,
    events: T[],
    results: Map<number, IngestResultStatus>,
  ): Promise<T[]> {
    const existing = new Set<string>();
    for (const part of chunks([
      ...new Set(events.map(e => e.idempotencyKey)),
    ])) {
      const rows = await trx(table)
        .whereIn('idempotency_key', part)
        .select('idempotency_key');
      rows.forEach(r => existing.add(r.idempotency_key));
    }
    const out: T[] = [];
    for (const e of events) {
      if (existing.has(e.idempotencyKey)) {
        results.set(e.index, 'duplicate');
      } else {
        existing.add(e.idempotencyKey);
        out.push(e);
      }
    }
    return out;
  }

  private async idsByKey(
    trx: Knex.Transaction,
    table: string,
    keys: string[],
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const part of chunks(keys)) {
      const rows = await trx(table)
        .whereIn('idempotency_key', part)
        .select('id', 'idempotency_key');
      rows.forEach(r => ids.set(r.idempotency_key, Number(r.id)));
    }
    return ids;
  }

  /** A deployment of the same service by idempotency key or external id. */
  private async findDeployment(
    trx: Knex.Transaction,
    serviceRef: string,
    ref: string,
  ): Promise<number | undefined> {
    const row = await trx('dora_deployments')
      .where('service_ref', serviceRef)
      .andWhere(q =>
        q.where('idempotency_key', ref).orWhere('external_id', ref),
      )
      .orderBy([
        { column: 'finished_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first('id');
    return row ? Number(row.id) : undefined;
  }

  private async upsertChanges(
    trx: Knex.Transaction,
    changes: NewChange[],
    results: Map<number, IngestResultStatus>,
    now: number,
  ) {
    // Merge events for the same commit within the batch first.
    const byCommit = new Map<string, NewChange>();
    const firstIndex = new Map<string, number>();
    for (const c of changes) {
      const k = `${c.serviceRef}\u0000${c.commitSha}`;
      const prev = byCommit.get(k);
      if (prev) {
        byCommit.set(k, mergeChange(prev, c));
        results.set(c.index, 'updated');
      } else {
        byCommit.set(k, c);
        firstIndex.set(k, c.index);
      }
    }
    const merged = [...byCommit.entries()];
    const existing = new Map<string, any>();
    const byService = new Map<string, string[]>();
    for (const [, c] of merged) {
      byService.set(c.serviceRef, [
        ...(byService.get(c.serviceRef) ?? []),
        c.commitSha,
      ]);
    }
    for (const [service, shas] of byService) {
      for (const part of chunks(shas)) {
        const rows = await trx('dora_changes')
          .where('service_ref', service)
          .whereIn('commit_sha', part)
          .select();
        rows.forEach(r =>
          existing.set(`${r.service_ref}\u0000${r.commit_sha}`, r),
        );
      }
    }
    const inserts: NewChange[] = [];
    for (const [k, c] of merged) {
      const row = existing.get(k);
      if (!row) {
        inserts.push(c);
        results.set(firstIndex.get(k)!, 'created');
        continue;
      }
      const stored: NewChange = {
        index: c.index,
        idempotencyKey: row.idempotency_key,
        serviceRef: row.service_ref,
        commitSha: row.commit_sha,
        prNumber: numOrNull(row.pr_number),
        authoredAt: num(row.authored_at),
        firstPushedAt: numOrNull(row.first_pushed_at),
        prOpenedAt: numOrNull(row.pr_opened_at),
        mergedAt: numOrNull(row.merged_at),
        squashMerge: Boolean(row.squash_merge),
        source: row.source,
      };
      const m = mergeChange(stored, c);
      await trx('dora_changes').where('id', row.id).update({
        pr_number: m.prNumber,
        authored_at: m.authoredAt,
        first_pushed_at: m.firstPushedAt,
        pr_opened_at: m.prOpenedAt,
        merged_at: m.mergedAt,
        squash_merge: m.squashMerge,
      });
      results.set(firstIndex.get(k)!, 'updated');
    }
    for (const part of chunks(inserts, 50)) {
      await trx('dora_changes').insert(
        part.map(c => ({
          idempotency_key: c.idempotencyKey,
          service_ref: c.serviceRef,
          commit_sha: c.commitSha,
          pr_number: c.prNumber,
          authored_at: c.authoredAt,
          first_pushed_at: c.firstPushedAt,
          pr_opened_at: c.prOpenedAt,
          merged_at: c.mergedAt,
          squash_merge: c.squashMerge,
          source: c.source,
          created_at: now,
        })),
      );
    }
  }

  /**
   * Points each touched change at the first successful production deployment
   * of its service that contains it, and copies that deployment's finish time
   * and owner (the owner at deploy time) onto it.
   */
  private async relinkChanges(
    trx: Knex.Transaction,
    touched: Map<string, Set<string>>,
  ) {
    const deltas = new Map<string, number>();
    const add = (rows: any[], sign: number) => {
      for (const row of rows) {
        for (const key of changeContributions(row)) {
          const k = JSON.stringify(key);
          deltas.set(k, (deltas.get(k) ?? 0) + sign);
        }
      }
    };
    const rollupColumns = [
      'deployed_at',
      'owner_ref',
      'fallback',
      ...CHANGE_METRICS.map(m => `${m}_bucket`),
    ];
    for (const [service, shaSet] of touched) {
      for (const part of chunks([...shaSet])) {
        const these = (q: Knex.QueryBuilder) =>
          q.where('service_ref', service).whereIn('commit_sha', part);
        const before = await these(trx('dora_changes')).select(rollupColumns);
        // Commits without a change event yet: nothing to link, and the
        // value refresh below is costly to plan (its bucket SQL is long).
        if (before.length === 0) continue;
        add(before, -1);
        await these(trx('dora_changes')).update({
          deployment_id: trx.raw(
            `(SELECT d.id FROM dora_deployment_commits dc
               JOIN dora_deployments d ON d.id = dc.deployment_id
              WHERE dc.service_ref = dora_changes.service_ref
                AND dc.commit_sha = dora_changes.commit_sha
                AND d.environment_tier = 'production'
                AND d.status = 'success'
              ORDER BY d.finished_at ASC, d.id ASC
              LIMIT 1)`,
          ),
        });
        await these(trx('dora_changes')).update({
          deployed_at: trx.raw(
            '(SELECT d.finished_at FROM dora_deployments d WHERE d.id = dora_changes.deployment_id)',
          ),
          owner_ref: trx.raw(
            '(SELECT d.owner_ref FROM dora_deployments d WHERE d.id = dora_changes.deployment_id)',
          ),
        });
        await refreshChangeValues(trx, q => {
          these(q);
        });
        add(await these(trx('dora_changes')).select(rollupColumns), 1);
      }
    }
    await applyHistogramDeltas(trx, CHANGE_ROLLUPS.default, deltas);
  }

  /**
   * Points each touched change at its first successful deployment to each
   * environment (dora_change_environments), with that environment's
   * histogram kept in step.
   */
  private async relinkChangeEnvironments(
    trx: Knex.Transaction,
    touched: Map<string, Set<string>>,
  ) {
    const deltas = new Map<string, number>();
    const rollupColumns = [
      'environment',
      'deployed_at',
      'owner_ref',
      'fallback',
      ...CHANGE_METRICS.map(m => `${m}_bucket`),
    ];
    const add = (rows: any[], sign: number) => {
      for (const row of rows) {
        for (const key of changeContributions(row)) {
          const k = JSON.stringify([row.environment, ...key]);
          deltas.set(k, (deltas.get(k) ?? 0) + sign);
        }
      }
    };
    for (const [service, shaSet] of touched) {
      for (const part of chunks([...shaSet])) {
        const these = (q: Knex.QueryBuilder, alias = '') =>
          q
            .where(`${alias}service_ref`, service)
            .whereIn(`${alias}commit_sha`, part);
        // Commits without a change event: nothing to link.
        if (!(await these(trx('dora_changes')).first('id'))) continue;
        const before = await these(trx('dora_change_environments')).select(
          rollupColumns,
        );
        add(before, -1);
        if (before.length) {
          await these(trx('dora_change_environments')).delete();
        }
        await insertChangeEnvironments(trx, q => {
          these(q, 'c.');
        });
        add(
          await these(trx('dora_change_environments')).select(rollupColumns),
          1,
        );
      }
    }
    await applyHistogramDeltas(trx, CHANGE_ROLLUPS.environment, deltas);
  }

  /**
   * Recomputes the failure flags and recovery of the touched deployments and
   * marks their days (successful ones) and `days` stale. Recomputing the
   * day rollups here would make concurrent batches queue on the same
   * organisation rows; a background refresh does it instead
   * (refreshStaleRollups), and reads compute stale days from the raw rows.
   */
  private async markDeploymentRollupsStale(
    trx: Knex.Transaction,
    touched: Set<number>,
    days: Set<number>,
  ) {
    for (const part of chunks([...touched])) {
      await refreshDeploymentFlags(trx, q => {
        q.whereIn('d.id', part);
      });
      const rows = await trx('dora_deployments')
        .whereIn('id', part)
        .where({ status: 'success' })
        .select('finished_at');
      for (const r of rows) {
        days.add(Math.floor(Number(r.finished_at) / DAY_MS));
      }
    }
    if (days.size) {
      await trx('dora_rollup_dirty_days').insert(
        [...days].map(day => ({ day })),
      );
    }
  }

  /**
   * Recomputes the deployment rollups of the days ingestion marked stale,
   * off the request path (RollupRefresher). One refresher at a time (an
   * advisory lock on PostgreSQL; SQLite has a single writer), so two
   * replicas never rebuild the same rows at once.
   */
  async refreshStaleRollups(): Promise<void> {
    // Checked without the lock first, so reads do not queue on each other
    // when nothing is stale (the usual case).
    if (!(await this.db('dora_rollup_dirty_days').first('id'))) return;
    await this.db.transaction(async trx => {
      if (this.db.client.config.client === 'pg') {
        await trx.raw('SELECT pg_advisory_xact_lock(?)', [STALE_ROLLUPS_LOCK]);
      }
      const stale = await trx('dora_rollup_dirty_days').select('id', 'day');
      if (!stale.length) return;
      for (const part of chunks(stale.map(r => r.id))) {
        await trx('dora_rollup_dirty_days').whereIn('id', part).delete();
      }
      const days = [...new Set(stale.map(r => Number(r.day)))];
      for (const part of chunks(days)) {
        await rebuildDeploymentRollups(trx, { days: part });
      }
    });
  }

  /**
   * Backfills a migration asked for (dora_pending_backfills): today only
   * 'environment-rollups', which rebuilds every rollup. Once, whichever
   * replica starts first (the others wait on the refresh lock, then find
   * nothing left to do).
   */
  private async runPendingBackfills(): Promise<void> {
    if (!(await this.db.schema.hasTable('dora_pending_backfills'))) return;
    if (!(await this.db('dora_pending_backfills').first('name'))) return;
    await this.db.transaction(async trx => {
      if (this.db.client.config.client === 'pg') {
        await trx.raw('SELECT pg_advisory_xact_lock(?)', [STALE_ROLLUPS_LOCK]);
      }
      const taken = await trx('dora_pending_backfills')
        .where('name', 'environment-rollups')
        .delete();
      if (!taken) return;
      await trx('dora_rollup_dirty_days').delete();
      await rebuildRollups(trx);
    });
  }

  async rebuildRollups(): Promise<void> {
    await this.db.transaction(async trx => {
      await trx('dora_rollup_dirty_days').delete();
      await rebuildRollups(trx);
    });
  }

  async summary(
    filter: MetricsFilter,
    options: SummaryOptions,
  ): Promise<WindowSummary> {
    let summary: WindowSummary;
    if (rollupsCover(filter)) {
      summary = await rollupSummary(this.db, filter, options);
    } else {
      summary = summarizeRaw(
        await this.rawFigures(filter),
        filter.from,
        filter.to,
        options.weekly,
      );
    }
    if (!options.headline) return summary;
    // The same answer whichever path computed it.
    return {
      ...summary,
      ...Object.fromEntries(DETAIL_FIGURES.map(field => [field, null])),
    };
  }

  private async upsertIncident(
    trx: Knex.Transaction,
    incident: NewIncident,
    options: IngestOptions,
    now: number,
    touchedDeployments: Set<number>,
  ): Promise<IngestResultStatus> {
    let explicitId: number | undefined;
    if (incident.causedByDeployment) {
      explicitId = await this.findDeployment(
        trx,
        incident.serviceRef,
        incident.causedByDeployment,
      );
      if (!explicitId) {
        throw new InputError(
          `events[${incident.index}].causedByDeployment: no deployment '${incident.causedByDeployment}' of ${incident.serviceRef}`,
        );
      }
    }

    if (incident.externalId) {
      const existing = await trx('dora_incidents')
        .where({
          service_ref: incident.serviceRef,
          external_id: incident.externalId,
        })
        .first();
      if (existing) {
        const update: Record<string, unknown> = {};
        if (incident.resolvedAt !== null) {
          update.resolved_at = incident.resolvedAt;
        }
        if (explicitId) {
          update.caused_by_deployment_id = explicitId;
          update.link_method = 'explicit';
          touchedDeployments.add(explicitId);
        }
        if (existing.caused_by_deployment_id !== null) {
          touchedDeployments.add(Number(existing.caused_by_deployment_id));
        }
        if (Object.keys(update).length) {
          await trx('dora_incidents').where('id', existing.id).update(update);
        }
        return 'updated';
      }
    }

    let causedBy: number | null = explicitId ?? null;
    let linkMethod = explicitId ? 'explicit' : 'none';
    if (!causedBy) {
      // A production rollback of this service during the incident names the
      // deployment it rolled back.
      const until =
        incident.resolvedAt ?? incident.openedAt + options.incidentLinkWindowMs;
      const rollback = await trx('dora_deployments')
        .where({
          service_ref: incident.serviceRef,
          kind: 'rollback',
          status: 'success',
          environment_tier: 'production',
        })
        .whereNotNull('remediates_deployment_id')
        .andWhere('finished_at', '>=', incident.openedAt)
        .andWhere('finished_at', '<=', until)
        .orderBy([
          { column: 'finished_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .first('remediates_deployment_id');
      if (rollback) {
        causedBy = Number(rollback.remediates_deployment_id);
        linkMethod = 'rollback';
      }
    }
    if (!causedBy) {
      const latest = await trx('dora_deployments')
        .where({
          service_ref: incident.serviceRef,
          status: 'success',
          environment_tier: 'production',
        })
        .andWhere('finished_at', '<=', incident.openedAt)
        .andWhere(
          'finished_at',
          '>=',
          incident.openedAt - options.incidentLinkWindowMs,
        )
        .orderBy([
          { column: 'finished_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first('id');
      if (latest) {
        causedBy = Number(latest.id);
        linkMethod = 'window';
      }
    }
    if (causedBy) touchedDeployments.add(causedBy);
    await trx('dora_incidents').insert({
      idempotency_key: incident.idempotencyKey,
      service_ref: incident.serviceRef,
      owner_ref: incident.ownerRef,
      opened_at: incident.openedAt,
      resolved_at: incident.resolvedAt,
      caused_by_deployment_id: causedBy,
      link_method: linkMethod,
      external_id: incident.externalId,
      title: incident.title,
      source: incident.source,
      created_at: now,
    });
    return 'created';
  }

  private scoped(q: Knex.QueryBuilder, alias: string, filter: ScopeFilter) {
    if (filter.serviceRefs)
      q.whereIn(`${alias}.service_ref`, filter.serviceRefs);
    if (filter.ownerRefs) q.whereIn(`${alias}.owner_ref`, filter.ownerRefs);
    return q;
  }

  /** Rows of `table` whose `timeColumn` is in the window, newest first. */
  private newestInWindow(
    table: string,
    alias: string,
    timeColumn: string,
    filter: MetricsFilter,
  ) {
    const column = `${alias}.${timeColumn}`;
    return this.scoped(
      this.db(`${table} as ${alias}`)
        .where(column, '>=', filter.from)
        .andWhere(column, '<', filter.to),
      alias,
      filter,
    ).orderBy([
      { column, order: 'desc' },
      { column: `${alias}.id`, order: 'desc' },
    ]);
  }

  /**
   * A successful deployment to `environment` (alias d2) of the commit in
   * `commitAlias` (a row with service_ref and commit_sha) that finished
   * before the deployment `alias` (ties: lower id first), i.e. `alias` is not
   * that commit's first deployment there.
   */
  private earlierDeploymentTo(
    environment: string,
    commitAlias: string,
    alias: string,
  ) {
    return this.db('dora_deployment_commits as dc2')
      .join('dora_deployments as d2', 'd2.id', 'dc2.deployment_id')
      .whereRaw(
        `dc2.service_ref = ${commitAlias}.service_ref AND dc2.commit_sha = ${commitAlias}.commit_sha`,
      )
      .andWhere('d2.environment', environment)
      .andWhere('d2.status', 'success')
      .andWhere(q =>
        q
          .whereRaw(`d2.finished_at < ${alias}.finished_at`)
          .orWhereRaw(
            `d2.finished_at = ${alias}.finished_at AND d2.id < ${alias}.id`,
          ),
      )
      .select(this.db.raw('1'));
  }

  /**
   * Changes (alias c) joined to their first successful deployment to
   * `environment` (alias d), when it finished in the window; scoped by that
   * deployment like the figures. dora_changes.deployment_id and deployed_at
   * only know the first production-tier deployment, so they cannot serve.
   */
  private firstDeployedTo(environment: string, filter: MetricsFilter) {
    return this.scoped(
      this.db('dora_changes as c')
        .join('dora_deployment_commits as dc', j =>
          j
            .on('dc.service_ref', 'c.service_ref')
            .andOn('dc.commit_sha', 'c.commit_sha'),
        )
        .join('dora_deployments as d', 'd.id', 'dc.deployment_id')
        .where('d.environment', environment)
        .andWhere('d.status', 'success')
        .andWhere('d.finished_at', '>=', filter.from)
        .andWhere('d.finished_at', '<', filter.to)
        .whereNotExists(this.earlierDeploymentTo(environment, 'c', 'd')),
      'd',
      filter,
    );
  }

  /** The successful deployments (alias d) the figures count, in the window. */
  private countedDeployments(filter: MetricsFilter) {
    const target = targetOf(filter);
    return this.scoped(
      this.db('dora_deployments as d')
        .where(`d.${target.column}`, target.value)
        .andWhere('d.status', 'success')
        .andWhere('d.finished_at', '>=', filter.from)
        .andWhere('d.finished_at', '<', filter.to),
      'd',
      filter,
    );
  }

  /** The deployment an incident (alias i) is linked to is in `environment`. */
  private linkedTo(environment: string) {
    return this.db('dora_deployments as ld')
      .whereRaw('ld.id = i.caused_by_deployment_id')
      .andWhere('ld.environment', environment)
      .select(this.db.raw('1'));
  }

  async environments(filter: ScopeFilter): Promise<DoraEnvironment[]> {
    const db = this.db;
    const rows = await this.scoped(
      db('dora_deployments as d').where('d.status', 'success'),
      'd',
      filter,
    )
      .groupBy('d.environment', 'd.environment_tier')
      .select(
        'd.environment',
        'd.environment_tier',
        db.raw('COUNT(*) AS deployments'),
        db.raw('MAX(d.finished_at) AS last_deployed_at'),
      );
    const rank = (tier: EnvironmentTier) => ENVIRONMENT_TIERS.indexOf(tier);
    // A name sent with different tiers over time (config changed) is one
    // environment, shown with the tier of its latest deployment (on a tie,
    // the tier listed first, so the answer does not depend on row order).
    const byName = new Map<
      string,
      { tier: EnvironmentTier; n: number; last: number }
    >();
    for (const r of rows) {
      const last = num(r.last_deployed_at);
      const seen = byName.get(r.environment);
      byName.set(r.environment, {
        tier:
          seen &&
          (seen.last > last ||
            (seen.last === last && rank(seen.tier) < rank(r.environment_tier)))
            ? seen.tier
            : r.environment_tier,
        n: (seen?.n ?? 0) + num(r.deployments),
        last: Math.max(seen?.last ?? 0, last),
      });
    }
    return [...byName.entries()]
      .map(([name, e]) => ({
        name,
        tier: e.tier,
        deployments: e.n,
        lastDeployedAt: iso(e.last),
      }))
      .sort(
        (a, b) =>
          rank(a.tier) - rank(b.tier) ||
          (a.name < b.name ? -1 : Number(a.name > b.name)),
      );
  }

  async dataQuality(filter: MetricsFilter): Promise<DataQualityCounts> {
    const { from, to, environment } = filter;
    const db = this.db;
    const deployments = () => this.countedDeployments(filter);
    // A change "of" a deployment is one it shipped first (to the target):
    // those are the changes its lead time counts.
    const changeOf =
      environment === undefined
        ? db('dora_changes as c')
            .whereRaw('c.deployment_id = d.id')
            .select(db.raw('1'))
        : db('dora_deployment_commits as dc')
            .join('dora_changes as c', j =>
              j
                .on('c.service_ref', 'dc.service_ref')
                .andOn('c.commit_sha', 'dc.commit_sha'),
            )
            .whereRaw('dc.deployment_id = d.id')
            .whereNotExists(this.earlierDeploymentTo(environment, 'dc', 'd'))
            .select(db.raw('1'));
    const [withoutChanges] = await deployments()
      .whereNotExists(changeOf)
      .count({ n: '*' });
    const [unknown] = await deployments().select(
      db.raw(
        `SUM((SELECT COUNT(*) FROM dora_deployment_commits dc
              WHERE dc.deployment_id = d.id
                AND NOT EXISTS (SELECT 1 FROM dora_changes c
                                 WHERE c.service_ref = dc.service_ref
                                   AND c.commit_sha = dc.commit_sha))) AS unknown_commits`,
      ),
    );
    // An unlinked incident cannot be placed in any environment: counted
    // whatever the target.
    const [incidents] = await this.scoped(
      db('dora_incidents as i')
        .where('i.opened_at', '>=', from)
        .andWhere('i.opened_at', '<', to)
        .andWhere('i.link_method', 'none'),
      'i',
      filter,
    ).count({ n: '*' });
    // Changes carry their owner only once deployed: scope them by service.
    const changes = db('dora_changes as c')
      .where('c.authored_at', '>=', from)
      .andWhere('c.authored_at', '<', to);
    if (environment === undefined) {
      changes.whereNull('c.deployed_at');
    } else {
      changes.whereNotExists(
        db('dora_deployment_commits as dc')
          .join('dora_deployments as d', 'd.id', 'dc.deployment_id')
          .whereRaw(
            'dc.service_ref = c.service_ref AND dc.commit_sha = c.commit_sha',
          )
          .andWhere('d.environment', environment)
          .andWhere('d.status', 'success')
          .select(db.raw('1')),
      );
    }
    if (filter.serviceRefs)
      changes.whereIn('c.service_ref', filter.serviceRefs);
    if (filter.ownerRefs) {
      changes.whereIn(
        'c.service_ref',
        db('dora_deployments')
          .distinct('service_ref')
          .whereIn('owner_ref', filter.ownerRefs),
      );
    }
    const [undeployed] = await changes.count({ n: '*' });
    return {
      deploymentsWithoutChanges: num(withoutChanges?.n),
      unknownCommits: num(unknown?.unknown_commits),
      unlinkedIncidents: num(incidents?.n),
      undeployedChanges: num(undeployed?.n),
    };
  }

  async listDeployments(
    filter: MetricsFilter,
    limit: number,
  ): Promise<DoraDeploymentRow[]> {
    const db = this.db;
    const target = targetOf(filter);
    const query = this.newestInWindow(
      'dora_deployments',
      'd',
      'finished_at',
      filter,
    );
    if (filter.environment !== undefined) {
      query.where('d.environment', filter.environment);
    }
    const rows = await query
      .select(
        'd.*',
        db.raw(
          'EXISTS (SELECT 1 FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id) AS has_incident',
        ),
        db.raw(
          `(SELECT MIN(r.kind) FROM dora_deployments r WHERE r.remediates_deployment_id = d.id
             AND r.status = 'success' AND r.${target.column} = :target) AS remediated_by`,
          { target: target.value },
        ),
      )
      .limit(limit);
    return rows.map((r: any) => ({
      id: String(r.id),
      idempotencyKey: r.idempotency_key,
      service: r.service_ref,
      owner: r.owner_ref,
      environment: r.environment,
      environmentTier: r.environment_tier,
      status: r.status,
      kind: r.kind,
      startedAt: isoOrNull(r.started_at),
      finishedAt: iso(r.finished_at),
      commitSha: r.commit_sha,
      source: r.source,
      externalId: r.external_id,
      failed:
        r[target.column] === target.value &&
        r.status === 'success' &&
        (Boolean(Number(r.has_incident)) || r.remediated_by !== null),
    }));
  }

  async listChanges(
    filter: MetricsFilter,
    limit: number,
  ): Promise<DoraChangeRow[]> {
    // The deployment that shipped each change first to the target.
    const rows =
      filter.environment === undefined
        ? await this.newestInWindow('dora_changes', 'c', 'deployed_at', filter)
            .select(
              'c.*',
              'c.deployment_id as first_deployment_id',
              'c.deployed_at as first_deployed_at',
              'c.owner_ref as first_owner_ref',
            )
            .limit(limit)
        : await this.firstDeployedTo(filter.environment, filter)
            .select(
              'c.*',
              'd.id as first_deployment_id',
              'd.finished_at as first_deployed_at',
              'd.owner_ref as first_owner_ref',
            )
            .orderBy([
              { column: 'd.finished_at', order: 'desc' },
              { column: 'c.id', order: 'desc' },
            ])
            .limit(limit);
    return rows.map((r: any) => ({
      id: String(r.id),
      service: r.service_ref,
      owner: r.first_owner_ref,
      commitSha: r.commit_sha,
      prNumber: numOrNull(r.pr_number),
      authoredAt: iso(r.authored_at),
      firstPushedAt: isoOrNull(r.first_pushed_at),
      prOpenedAt: isoOrNull(r.pr_opened_at),
      mergedAt: isoOrNull(r.merged_at),
      squashMerge: Boolean(r.squash_merge),
      deploymentId:
        r.first_deployment_id === null ? null : String(r.first_deployment_id),
      deployedAt: isoOrNull(r.first_deployed_at),
    }));
  }

  async listIncidents(
    filter: MetricsFilter,
    limit: number,
  ): Promise<DoraIncidentRow[]> {
    const query = this.newestInWindow(
      'dora_incidents',
      'i',
      'opened_at',
      filter,
    );
    if (filter.environment !== undefined) {
      query.whereExists(this.linkedTo(filter.environment));
    }
    const rows = await query.select('i.*').limit(limit);
    return rows.map((r: any) => ({
      id: String(r.id),
      service: r.service_ref,
      owner: r.owner_ref,
      openedAt: iso(r.opened_at),
      resolvedAt: isoOrNull(r.resolved_at),
      causedByDeploymentId:
        r.caused_by_deployment_id === null
          ? null
          : String(r.caused_by_deployment_id),
      linkMethod: r.link_method,
      externalId: r.external_id,
      title: r.title,
    }));
  }

  async getCursor(repo: string, resource: string): Promise<BackfillCursor> {
    const row = await this.db('dora_backfill_cursors')
      .where({ repo, resource })
      .first();
    return {
      since: numOrNull(row?.since),
      nextPage: numOrNull(row?.next_page),
      passNewest: numOrNull(row?.pass_newest),
    };
  }

  async saveCursor(
    repo: string,
    resource: string,
    cursor: BackfillCursor,
  ): Promise<void> {
    await this.db('dora_backfill_cursors')
      .insert({
        repo,
        resource,
        since: cursor.since,
        next_page: cursor.nextPage,
        pass_newest: cursor.passNewest,
        updated_at: Date.now(),
      })
      .onConflict(['repo', 'resource'])
      .merge();
  }

  async rawFigures(filter: MetricsFilter): Promise<RawFigures> {
    const { from, to, environment } = filter;
    const db = this.db;
    const target = targetOf(filter);
    const bindings = { target: target.value };
    const scoped = (q: Knex.QueryBuilder, alias: string) => {
      if (filter.serviceRefs)
        q.whereIn(`${alias}.service_ref`, filter.serviceRefs);
      if (filter.ownerRefs) q.whereIn(`${alias}.owner_ref`, filter.ownerRefs);
      return q;
    };
    const prodDeployments = () => this.countedDeployments(filter);

    const hasIncident = `EXISTS (SELECT 1 FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id)`;
    const hasRemedy = (kind: string) =>
      `EXISTS (SELECT 1 FROM dora_deployments r WHERE r.remediates_deployment_id = d.id
         AND r.kind = '${kind}' AND r.status = 'success' AND r.${target.column} = :target)`;
    const failed = `(${hasIncident} OR ${hasRemedy('rollback')} OR ${hasRemedy(
      'hotfix',
    )})`;

    const [totals] = await prodDeployments().select(
      db.raw('COUNT(*) AS deployments'),
      db.raw(
        `COUNT(DISTINCT CAST(d.finished_at / ${DAY_MS} AS INTEGER)) AS deployment_days`,
      ),
      db.raw(
        `SUM(CASE WHEN d.kind IN ('hotfix', 'rollback') THEN 1 ELSE 0 END) AS unplanned`,
      ),
      db.raw(`SUM(CASE WHEN ${failed} THEN 1 ELSE 0 END) AS failed`, bindings),
      db.raw(`SUM(CASE WHEN ${hasIncident} THEN 1 ELSE 0 END) AS by_incident`),
      db.raw(
        `SUM(CASE WHEN ${hasRemedy(
          'rollback',
        )} THEN 1 ELSE 0 END) AS by_rollback`,
        bindings,
      ),
      db.raw(
        `SUM(CASE WHEN ${hasRemedy('hotfix')} THEN 1 ELSE 0 END) AS by_hotfix`,
        bindings,
      ),
    );

    const weekExpr = `CAST((d.finished_at - ${Number(
      from,
    )}) / ${WEEK_MS} AS INTEGER)`;
    const weeklyRows = await prodDeployments()
      .select(
        db.raw(`${weekExpr} AS week`),
        db.raw('COUNT(*) AS deployments'),
        db.raw(
          `SUM(CASE WHEN ${failed} THEN 1 ELSE 0 END) AS failed`,
          bindings,
        ),
      )
      .groupBy(db.raw(weekExpr))
      .orderBy('week');

    const failedRows = await prodDeployments()
      .whereRaw(failed, bindings)
      .select(
        'd.finished_at',
        db.raw(
          `(SELECT MIN(r.finished_at) FROM dora_deployments r
             WHERE r.remediates_deployment_id = d.id AND r.status = 'success'
               AND r.${target.column} = :target) AS remedied_at`,
          bindings,
        ),
        db.raw(
          `(SELECT MAX(i.resolved_at) FROM dora_incidents i
             WHERE i.caused_by_deployment_id = d.id) AS resolved_at`,
        ),
        db.raw(
          `(SELECT COUNT(*) FROM dora_incidents i
             WHERE i.caused_by_deployment_id = d.id AND i.resolved_at IS NULL) AS open_incidents`,
        ),
        db.raw(
          `(SELECT COUNT(*) FROM dora_incidents i
             WHERE i.caused_by_deployment_id = d.id) AS incidents`,
        ),
      )
      .orderBy('d.finished_at');

    const changeColumns = [
      'c.authored_at',
      'c.pr_opened_at',
      'c.merged_at',
      'c.squash_merge',
    ];
    const changeRows =
      environment === undefined
        ? await scoped(
            db('dora_changes as c')
              .where('c.deployed_at', '>=', from)
              .andWhere('c.deployed_at', '<', to),
            'c',
          ).select(...changeColumns, 'c.deployed_at')
        : await this.firstDeployedTo(environment, filter).select(
            ...changeColumns,
            'd.finished_at as deployed_at',
          );

    // With an environment picked, only incidents linked to a deployment in it.
    const incidents = scoped(
      db('dora_incidents as i')
        .where('i.opened_at', '>=', from)
        .andWhere('i.opened_at', '<', to),
      'i',
    );
    if (environment !== undefined) {
      incidents.whereExists(this.linkedTo(environment));
    }
    const incidentRows = await incidents.select('i.opened_at', 'i.resolved_at');

    return {
      ...deploymentCounts(totals),
      weekly: weeklyRows.map((r: any) => ({
        week: num(r.week),
        deployments: num(r.deployments),
        failed: num(r.failed),
      })),
      failedDeployments: failedRows.map((r: any) => {
        const remediedAt = numOrNull(r.remedied_at);
        const allResolved =
          num(r.incidents) > 0 && num(r.open_incidents) === 0
            ? numOrNull(r.resolved_at)
            : null;
        const candidates = [remediedAt, allResolved].filter(
          (v): v is number => v !== null,
        );
        return {
          finishedAt: num(r.finished_at),
          recoveredAt: candidates.length ? Math.min(...candidates) : null,
        };
      }),
      changes: changeRows.map((r: any) => ({
        authoredAt: num(r.authored_at),
        prOpenedAt: numOrNull(r.pr_opened_at),
        mergedAt: numOrNull(r.merged_at),
        squashMerge: Boolean(r.squash_merge),
        deployedAt: num(r.deployed_at),
      })),
      incidents: incidentRows.map((r: any) => ({
        openedAt: num(r.opened_at),
        resolvedAt: numOrNull(r.resolved_at),
      })),
    };
  }
}

/** Later events fill fields the earlier ones did not know. */
function mergeChange(a: NewChange, b: NewChange): NewChange {
  const min = (x: number | null, y: number | null) => {
    if (x === null) return y;
    if (y === null) return x;
    return Math.min(x, y);
  };
  return {
    ...a,
    prNumber: a.prNumber ?? b.prNumber,
    authoredAt: Math.min(a.authoredAt, b.authoredAt),
    firstPushedAt: min(a.firstPushedAt, b.firstPushedAt),
    prOpenedAt: a.prOpenedAt ?? b.prOpenedAt,
    mergedAt: a.mergedAt ?? b.mergedAt,
    squashMerge: a.squashMerge || b.squashMerge,
  };
}
