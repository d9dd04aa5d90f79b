import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  CheckState,
  CheckStateChange,
  EntityScoreSummary,
  FactTimestamp,
  OrganisationTrendDay,
  ScoreSnapshot,
  ScoreTotals,
  Waiver,
} from '@internal/plugin-scorecard-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import {
  EntityEvaluation,
  ListEntitiesQuery,
  ScorecardStore,
  StoredCheckResult,
} from './ScorecardStore';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-scorecard-backend',
  'migrations',
);

const RESULTS = 'scorecard_check_results';
const HISTORY = 'scorecard_check_history';
const SCORES = 'scorecard_entity_scores';
const SNAPSHOTS = 'scorecard_score_snapshots';
const WAIVERS = 'scorecard_waivers';

// Rows per statement: at most 15 columns x 400 rows = 6,000 bound values,
// well below SQLite's limit of 32,766 (and PostgreSQL's 65,535).
const CHUNK = 400;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** Dates come back as Date (PostgreSQL), or number/string (SQLite). */
function toDate(value: unknown): Date {
  if (value instanceof Date) {
    return value;
  }
  if (typeof value === 'number') {
    return new Date(value);
  }
  const text = String(value);
  return new Date(/^\d+$/.test(text) ? Number(text) : text);
}

const toIso = (value: unknown) => toDate(value).toISOString();

function parseJson<T>(value: unknown, fallback: T): T {
  if (typeof value !== 'string' || !value) {
    return fallback;
  }
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

type ScoreRow = {
  entity_ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  owner: string | null;
  score: number | null;
  level: string | null;
  critical_failing: boolean | number;
  passed_weight: number;
  applicable_weight: number;
  unknown_weight: number;
  failing_checks: string;
  entity_hash: string | null;
  evaluated_at: Date | string | number;
};

function toSummary(row: ScoreRow): EntityScoreSummary {
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    title: row.title ?? undefined,
    owner: row.owner,
    score: row.score === null ? null : Number(row.score),
    level: row.level,
    criticalFailing: Boolean(row.critical_failing),
    passedWeight: Number(row.passed_weight),
    applicableWeight: Number(row.applicable_weight),
    unknownWeight: Number(row.unknown_weight),
    failingChecks: parseJson<string[]>(row.failing_checks, []),
    evaluatedAt: toIso(row.evaluated_at),
  };
}

function toWaiver(row: any): Waiver {
  return {
    id: row.id,
    source: 'api',
    entityRef: row.entity_ref,
    checkId: row.check_id,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    expiresAt: toIso(row.expires_at),
  };
}

/** Stores scorecard results in the plugin's database (PostgreSQL or SQLite). */
export class DatabaseScorecardStore implements ScorecardStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseScorecardStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseScorecardStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async saveEvaluations(evaluations: EntityEvaluation[]): Promise<void> {
    if (evaluations.length === 0) {
      return;
    }
    await this.db.transaction(async tx => {
      for (const batch of chunks(evaluations, 100)) {
        const refs = batch.map(e => e.entityRef);
        const existing = await tx(RESULTS)
          .whereIn('entity_ref', refs)
          .select('entity_ref', 'check_id', 'state', 'state_since');
        const previous = new Map<string, { state: string; since: unknown }>();
        for (const row of existing) {
          previous.set(`${row.entity_ref}\u0000${row.check_id}`, {
            state: row.state,
            since: row.state_since,
          });
        }

        const resultRows: any[] = [];
        const historyRows: any[] = [];
        for (const evaluation of batch) {
          for (const result of evaluation.results) {
            const before = previous.get(
              `${evaluation.entityRef}\u0000${result.checkId}`,
            );
            const changed = !before || before.state !== result.state;
            resultRows.push({
              entity_ref: evaluation.entityRef,
              check_id: result.checkId,
              state: result.state,
              reason: result.reason,
              fact_values: JSON.stringify(result.factValues ?? {}),
              facts: JSON.stringify(result.facts ?? []),
              evaluated_at: evaluation.evaluatedAt,
              state_since: changed
                ? evaluation.evaluatedAt
                : toDate(before!.since),
            });
            if (changed) {
              historyRows.push({
                entity_ref: evaluation.entityRef,
                check_id: result.checkId,
                state: result.state,
                previous_state: before?.state ?? null,
                reason: result.reason,
                changed_at: evaluation.evaluatedAt,
              });
            }
          }
        }

        // Checks that disappeared from the checks file are dropped. Every
        // evaluation carries a result for every current check.
        const checkIds = [
          ...new Set(batch.flatMap(e => e.results.map(r => r.checkId))),
        ];
        await tx(RESULTS)
          .whereIn('entity_ref', refs)
          .whereNotIn('check_id', checkIds.concat(['']))
          .delete();
        for (const rows of chunks(resultRows)) {
          await tx(RESULTS)
            .insert(rows)
            .onConflict(['entity_ref', 'check_id'])
            .merge();
        }
        for (const rows of chunks(historyRows)) {
          await tx(HISTORY).insert(rows);
        }

        const scoreRows = batch.map(e => ({
          entity_ref: e.entityRef,
          kind: e.kind,
          namespace: e.namespace,
          name: e.name,
          title: e.title ?? null,
          owner: e.owner,
          score: e.score.score,
          level: e.score.level,
          critical_failing: e.score.criticalFailing,
          passed_weight: e.score.passedWeight,
          applicable_weight: e.score.applicableWeight,
          unknown_weight: e.score.unknownWeight,
          failing_checks: JSON.stringify(
            e.results.filter(r => r.state === 'fail').map(r => r.checkId),
          ),
          entity_hash: e.entityHash ?? null,
          evaluated_at: e.evaluatedAt,
        }));
        await tx(SCORES).insert(scoreRows).onConflict('entity_ref').merge();

        const snapshotRows = batch.map(e => ({
          entity_ref: e.entityRef,
          day: e.evaluatedAt.toISOString().slice(0, 10),
          score: e.score.score,
          level: e.score.level,
          critical_failing: e.score.criticalFailing,
          recorded_at: e.evaluatedAt,
        }));
        await tx(SNAPSHOTS)
          .insert(snapshotRows)
          .onConflict(['entity_ref', 'day'])
          .merge();
      }
    });
  }

  async getEntityScore(
    entityRef: string,
  ): Promise<EntityScoreSummary | undefined> {
    const row = await this.db<ScoreRow>(SCORES)
      .where('entity_ref', entityRef)
      .first();
    return row ? toSummary(row) : undefined;
  }

  async getCheckResults(entityRef: string): Promise<StoredCheckResult[]> {
    const rows = await this.db(RESULTS)
      .where('entity_ref', entityRef)
      .orderBy('check_id');
    return rows.map(row => ({
      checkId: row.check_id,
      state: row.state as CheckState,
      reason: row.reason,
      factValues: parseJson<Record<string, unknown>>(row.fact_values, {}),
      facts: parseJson<FactTimestamp[]>(row.facts, []),
      evaluatedAt: toIso(row.evaluated_at),
      stateSince: toIso(row.state_since),
    }));
  }

  async getCurrentStates(
    entityRefs: string[],
  ): Promise<Map<string, Map<string, CheckState>>> {
    const out = new Map<string, Map<string, CheckState>>();
    for (const refs of chunks(entityRefs, 500)) {
      const rows = await this.db(RESULTS)
        .whereIn('entity_ref', refs)
        .select('entity_ref', 'check_id', 'state');
      for (const row of rows) {
        const states = out.get(row.entity_ref) ?? new Map();
        states.set(row.check_id, row.state);
        out.set(row.entity_ref, states);
      }
    }
    return out;
  }

  async getEntityHashes(): Promise<Map<string, string | null>> {
    const rows = await this.db(SCORES).select('entity_ref', 'entity_hash');
    return new Map(rows.map(r => [r.entity_ref, r.entity_hash]));
  }

  async listEntityScores(
    query: ListEntitiesQuery,
  ): Promise<{ items: EntityScoreSummary[]; totalItems: number }> {
    const base = this.db<ScoreRow>(SCORES).where(builder => {
      if (query.owner?.length) {
        builder.whereIn('owner', query.owner);
      }
      if (query.kind?.length) {
        builder.whereIn('kind', query.kind);
      }
      if (query.level?.length) {
        builder.whereIn('level', query.level);
      }
      if (query.criticalFailing !== undefined) {
        builder.where('critical_failing', query.criticalFailing);
      }
      if (query.check) {
        builder.whereExists(
          this.db(RESULTS)
            .select(this.db.raw('1'))
            .whereRaw(`${RESULTS}.entity_ref = ${SCORES}.entity_ref`)
            .where(`${RESULTS}.check_id`, query.check)
            .where(`${RESULTS}.state`, 'fail'),
        );
      }
    });

    const [{ count }] = await base.clone().count({ count: '*' });
    const rowsQuery = base.clone();
    if (query.orderBy === 'score') {
      // Entities without a score go last in either direction.
      rowsQuery
        .orderByRaw('case when score is null then 1 else 0 end')
        .orderBy('score', query.order)
        .orderBy('entity_ref', 'asc');
    } else {
      rowsQuery.orderBy('name', query.order).orderBy('entity_ref', 'asc');
    }
    const rows = await rowsQuery.limit(query.limit).offset(query.offset);
    return { items: rows.map(toSummary), totalItems: Number(count) };
  }

  async listOwnerTotals(): Promise<Array<ScoreTotals & { owner: string }>> {
    const rows = await this.db(SCORES)
      .select('owner')
      .count({ entity_count: '*' })
      .count({ scored_count: 'score' })
      .avg({ average_score: 'score' })
      .sum({
        critical_failing_count: this.db.raw(
          'case when critical_failing = ? then 1 else 0 end',
          [true],
        ),
      })
      .groupBy('owner')
      .orderBy('owner');
    const failing = await this.db(RESULTS)
      .join(SCORES, `${SCORES}.entity_ref`, `${RESULTS}.entity_ref`)
      .where(`${RESULTS}.state`, 'fail')
      .select(`${SCORES}.owner as owner`, `${RESULTS}.check_id as check_id`)
      .count({ n: '*' })
      .groupBy(`${SCORES}.owner`, `${RESULTS}.check_id`);
    const failingByOwner = new Map<string, Record<string, number>>();
    for (const row of failing as any[]) {
      const key = row.owner ?? 'unowned';
      const counts = failingByOwner.get(key) ?? {};
      counts[row.check_id] = Number(row.n);
      failingByOwner.set(key, counts);
    }
    return rows.map((row: any) => {
      const owner = row.owner ?? 'unowned';
      return {
        owner,
        entityCount: Number(row.entity_count),
        scoredCount: Number(row.scored_count),
        averageScore:
          row.average_score === null || row.average_score === undefined
            ? null
            : Number(row.average_score),
        criticalFailingCount: Number(row.critical_failing_count ?? 0),
        failingChecks: failingByOwner.get(owner) ?? {},
      };
    });
  }

  async getHistory(
    entityRef: string,
    options: { since: Date },
  ): Promise<{ snapshots: ScoreSnapshot[]; changes: CheckStateChange[] }> {
    const sinceDay = options.since.toISOString().slice(0, 10);
    const snapshots = await this.db(SNAPSHOTS)
      .where('entity_ref', entityRef)
      .where('day', '>=', sinceDay)
      .orderBy('day', 'asc');
    const changes = await this.db(HISTORY)
      .where('entity_ref', entityRef)
      .where('changed_at', '>=', options.since)
      .orderBy('changed_at', 'desc')
      .orderBy('id', 'desc');
    return {
      snapshots: snapshots.map(row => ({
        day: row.day,
        score: row.score === null ? null : Number(row.score),
        level: row.level,
        criticalFailing: Boolean(row.critical_failing),
      })),
      changes: changes.map(row => ({
        checkId: row.check_id,
        state: row.state,
        previousState: row.previous_state,
        reason: row.reason,
        changedAt: toIso(row.changed_at),
      })),
    };
  }

  async getOrganisationTrend(options: {
    since: Date;
  }): Promise<OrganisationTrendDay[]> {
    // One aggregate over the snapshot table: cheap, whatever the catalog size.
    const rows = await this.db(SNAPSHOTS)
      .select('day')
      .avg({ average: 'score' })
      .count({ entities: '*' })
      .sum({
        failing: this.db.raw('CASE WHEN critical_failing THEN 1 ELSE 0 END'),
      })
      .where('day', '>=', options.since.toISOString().slice(0, 10))
      .groupBy('day')
      .orderBy('day', 'asc');
    return rows.map((row: any) => ({
      day: row.day,
      score: row.average === null ? null : Number(row.average),
      level: null,
      criticalFailing: Number(row.failing) > 0,
      entityCount: Number(row.entities),
      criticalFailingCount: Number(row.failing),
    }));
  }

  async hasHistoryBefore(day: Date): Promise<boolean> {
    const row = await this.db(SNAPSHOTS)
      .where('day', '<', day.toISOString().slice(0, 10))
      .first('entity_ref');
    return Boolean(row);
  }

  async removeEntities(entityRefs: string[]): Promise<void> {
    if (entityRefs.length === 0) {
      return;
    }
    await this.db.transaction(async tx => {
      for (const refs of chunks(entityRefs, 500)) {
        for (const table of [RESULTS, HISTORY, SCORES, SNAPSHOTS, WAIVERS]) {
          await tx(table).whereIn('entity_ref', refs).delete();
        }
      }
    });
  }

  async createWaiver(input: Omit<Waiver, 'id' | 'createdAt'>): Promise<Waiver> {
    const row = {
      id: randomUUID(),
      entity_ref: input.entityRef,
      check_id: input.checkId,
      reason: input.reason,
      created_by: input.createdBy,
      created_at: new Date(),
      expires_at: new Date(input.expiresAt),
    };
    await this.db(WAIVERS).insert(row);
    return toWaiver(row);
  }

  async getActiveWaivers(
    entityRefs: string[],
    now: Date,
  ): Promise<Map<string, Map<string, Waiver>>> {
    const out = new Map<string, Map<string, Waiver>>();
    for (const refs of chunks(entityRefs, 500)) {
      const rows = await this.db(WAIVERS)
        .whereIn('entity_ref', refs)
        .where('expires_at', '>', now)
        .orderBy('expires_at', 'asc');
      for (const row of rows) {
        const waiver = toWaiver(row);
        const byCheck = out.get(waiver.entityRef) ?? new Map();
        // Ordered by expiry: the longest-lived waiver wins.
        byCheck.set(waiver.checkId, waiver);
        out.set(waiver.entityRef, byCheck);
      }
    }
    return out;
  }
}
