import { Knex } from 'knex';
import { DAY_MS } from '@internal/paved-road-common';
import {
  firstPositions,
  HistoryDeployment,
  HistoryPosition,
  inferRollbacks as inferInHistory,
} from '../../../lib/rollbacks';
import { DbBigInt, DbBoolean } from '../../tables';
import { chunks, MAX_BINDINGS, selectByCommits, whereInList } from '../../util';
import { PROD_SUCCESS } from '../rollups/sql';
import { BatchTouches } from './BatchTouches';

/** The columns of a history deployment and its stored inference. */
type DbHistoryRow = {
  id: DbBigInt;
  idempotency_key: string;
  service_ref: string;
  environment: string;
  finished_at: DbBigInt;
  commit_sha: string | null;
  kind_declared: DbBoolean;
  remediates_deployment_id: DbBigInt | null;
  rollback_inferred: DbBoolean;
};
const HISTORY_COLUMNS = [
  'd.id',
  'd.idempotency_key',
  'd.service_ref',
  'd.environment',
  'd.finished_at',
  'd.commit_sha',
  'd.kind_declared',
  'd.remediates_deployment_id',
  'd.rollback_inferred',
];

const toHistory = (r: DbHistoryRow): HistoryDeployment => ({
  id: Number(r.id),
  key: r.idempotency_key,
  finishedAt: Number(r.finished_at),
  commitSha: r.commit_sha,
  kindDeclared: Boolean(r.kind_declared),
});

/**
 * The successful production-tier deployments (alias d) of a service, in one
 * environment when given. The literal predicate lets both databases use the
 * partial indexes of the histories (dora_deployments_history_idx by
 * finish, dora_deployments_history_commit_idx by commit).
 */
function historyOf(knex: Knex, service: string, environment?: string) {
  const q = knex('dora_deployments as d')
    .whereRaw(PROD_SUCCESS)
    .where('d.service_ref', service);
  if (environment !== undefined) q.where('d.environment', environment);
  return q;
}

/**
 * Stores the inferences that differ from the stored ones (`rows`: the
 * deployments they were decided for) and notes what that touches: the
 * deployments a rollback no longer or now remediates (their failure flags),
 * and the rollback's day (its rework count).
 */
async function storeInferences(
  knex: Knex,
  rows: Map<number, DbHistoryRow>,
  decided: Map<number, number | null>,
  touched?: BatchTouches,
) {
  const toRegular: number[] = [];
  const toRollback: Array<[id: number, target: number]> = [];
  for (const [id, target] of decided) {
    const row = rows.get(id)!;
    const stored = Boolean(row.rollback_inferred)
      ? Number(row.remediates_deployment_id)
      : null;
    if (stored === target) continue;
    if (target === null) toRegular.push(id);
    else toRollback.push([id, target]);
    if (touched) {
      if (stored !== null) touched.deployments.add(stored);
      if (target !== null) touched.deployments.add(target);
      touched.staleDays.add(Math.floor(Number(row.finished_at) / DAY_MS));
    }
  }
  for (const part of chunks(toRegular)) {
    await knex('dora_deployments').whereIn('id', part).update({
      kind: 'regular',
      remediates_deployment_id: null,
      rollback_inferred: false,
    });
  }
  for (const part of chunks(toRollback, 100)) {
    await knex('dora_deployments')
      .whereIn(
        'id',
        part.map(([id]) => id),
      )
      .update({
        kind: 'rollback',
        remediates_deployment_id: knex.raw(
          `CASE id ${part
            .map(() => 'WHEN ? THEN CAST(? AS BIGINT)')
            .join(' ')} END`,
          part.flat(),
        ),
        rollback_inferred: true,
      });
  }
}

/** A history a batch's new deployments joined, from their earliest finish. */
type TouchedHistory = { service: string; environment: string; from: number };

const historyKey = (service: string, environment: string) =>
  JSON.stringify([service, environment]);

/**
 * Each touched history from the last deployment before its `from` on (with
 * its ties): the one live before the first deployment to recompute, and
 * every later one. One statement (a SELECT per history, UNION ALL), each a
 * range of the history index.
 */
async function historiesFrom(
  trx: Knex.Transaction,
  histories: TouchedHistory[],
): Promise<DbHistoryRow[]> {
  const out: DbHistoryRow[] = [];
  for (const part of chunks(histories, 100)) {
    const [first, ...rest] = part.map(({ service, environment, from }) => {
      const before = historyOf(trx, service, environment)
        .where('d.finished_at', '<', from)
        .orderBy('d.finished_at', 'desc')
        .limit(1)
        .select('d.finished_at');
      return historyOf(trx, service, environment)
        .where(
          'd.finished_at',
          '>=',
          trx.raw('COALESCE((?), ?)', [before, from]),
        )
        .select(HISTORY_COLUMNS);
    });
    if (rest.length) first.unionAll(rest);
    out.push(...((await first) as DbHistoryRow[]));
  }
  return out;
}

/**
 * The first deployment of each commit of `rows` in its history (where it
 * was first deployed to that environment), from reads by key: the
 * deployments that contain those commits (dora_deployment_commits holds
 * every deployment's head commit), then those deployments by id.
 */
async function firstDeploymentsOf(
  trx: Knex.Transaction,
  rows: DbHistoryRow[],
): Promise<Map<string, Map<string, HistoryPosition>>> {
  const commits = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.commit_sha === null) continue;
    if (!commits.has(r.service_ref)) commits.set(r.service_ref, new Set());
    commits.get(r.service_ref)!.add(r.commit_sha);
  }
  const shipped = await selectByCommits<{ deployment_id: DbBigInt }>(
    trx,
    'dora_deployment_commits',
    commits,
    ['deployment_id'],
  );
  const firsts = new Map<string, Map<string, HistoryPosition>>();
  for (const part of chunks(
    [...new Set(shipped.map(s => Number(s.deployment_id)))],
    MAX_BINDINGS,
  )) {
    const deployments: Array<
      Pick<
        DbHistoryRow,
        | 'idempotency_key'
        | 'service_ref'
        | 'environment'
        | 'finished_at'
        | 'commit_sha'
      > & { environment_tier: string; status: string }
    > = await whereInList(
      trx('dora_deployments').select(
        'idempotency_key',
        'service_ref',
        'environment',
        'environment_tier',
        'status',
        'finished_at',
        'commit_sha',
      ),
      'id',
      part,
      'bigint',
    );
    for (const d of deployments) {
      // Of the history (successful, production tier), by its head commit.
      if (d.environment_tier !== 'production' || d.status !== 'success') {
        continue;
      }
      if (d.commit_sha === null) continue;
      if (!commits.get(d.service_ref)?.has(d.commit_sha)) continue;
      const key = historyKey(d.service_ref, d.environment);
      if (!firsts.has(key)) firsts.set(key, new Map());
      firstPositions(
        [
          {
            key: d.idempotency_key,
            finishedAt: Number(d.finished_at),
            commitSha: d.commit_sha,
          },
        ],
        firsts.get(key),
      );
    }
  }
  return firsts;
}

/**
 * Recomputes the inferred rollbacks of the histories the batch's new
 * deployments joined, in its transaction (under the services' locks, so
 * each batch sees every deployment stored before it: the result is the
 * same whatever order the events arrive in). Each history from `from` on
 * (the earliest finish among the deployments the batch added to it): the
 * deployments after those can have a different predecessor, or commits
 * whose first deployment moved earlier; the ones before cannot. Notes the
 * deployments whose flags and the days whose rollups that changes.
 */
export async function inferRollbacks(
  trx: Knex.Transaction,
  touched: BatchTouches,
): Promise<void> {
  const histories = [...touched.histories.values()];
  if (!histories.length) return;
  const byHistory = new Map<string, DbHistoryRow[]>();
  for (const r of await historiesFrom(trx, histories)) {
    const key = historyKey(r.service_ref, r.environment);
    if (!byHistory.has(key)) byHistory.set(key, []);
    byHistory.get(key)!.push(r);
  }
  // Only deployments sent without a kind are inferred.
  const todo = histories.filter(({ service, environment, from }) =>
    (byHistory.get(historyKey(service, environment)) ?? []).some(
      r => !Boolean(r.kind_declared) && Number(r.finished_at) >= from,
    ),
  );
  if (!todo.length) return;
  const rows = todo.flatMap(
    ({ service, environment }) =>
      byHistory.get(historyKey(service, environment))!,
  );
  const firsts = await firstDeploymentsOf(trx, rows);
  const decided = new Map<number, number | null>();
  for (const { service, environment, from } of todo) {
    const key = historyKey(service, environment);
    const history = byHistory.get(key)!.map(toHistory);
    for (const [id, target] of inferInHistory(
      history,
      firsts.get(key) ?? new Map(),
      from,
    )) {
      decided.set(id, target);
    }
  }
  await storeInferences(
    trx,
    new Map(rows.map(r => [Number(r.id), r])),
    decided,
    touched,
  );
}

/**
 * Recomputes every inferred rollback from the whole history (the backfill
 * of an upgraded install, and rebuildRollups), one service at a time. With
 * `touched`, notes what changed as ingestion does.
 */
export async function inferAllRollbacks(
  knex: Knex,
  touched?: BatchTouches,
): Promise<void> {
  const services: Array<{ service_ref: string }> = await knex(
    'dora_deployments as d',
  )
    .whereRaw(PROD_SUCCESS)
    .distinct('d.service_ref')
    .orderBy('d.service_ref');
  for (const { service_ref: service } of services) {
    const rows: DbHistoryRow[] = await historyOf(knex, service).select(
      HISTORY_COLUMNS,
    );
    const byEnvironment = new Map<string, DbHistoryRow[]>();
    for (const r of rows) {
      if (!byEnvironment.has(r.environment))
        byEnvironment.set(r.environment, []);
      byEnvironment.get(r.environment)!.push(r);
    }
    const decided = new Map<number, number | null>();
    for (const environmentRows of byEnvironment.values()) {
      const history = environmentRows.map(toHistory);
      for (const [id, target] of inferInHistory(
        history,
        firstPositions(history),
        -Infinity,
      )) {
        decided.set(id, target);
      }
    }
    await storeInferences(
      knex,
      new Map(rows.map(r => [Number(r.id), r])),
      decided,
      touched,
    );
  }
}
