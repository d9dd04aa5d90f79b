import { Knex } from 'knex';
import { DAY_MS } from '../../../lib/time';
import {
  firstPositions,
  HistoryDeployment,
  inferRollbacks as inferInHistory,
} from '../../../lib/rollbacks';
import { DbBigInt, DbBoolean } from '../../tables';
import { chunks } from '../../util';
import { PROD_SUCCESS } from '../rollups/sql';
import { BatchTouches } from './BatchTouches';

/** The columns of a history deployment and its stored inference. */
type DbHistoryRow = {
  id: DbBigInt;
  idempotency_key: string;
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

/**
 * Recomputes the inferred rollbacks of one history from `from` on (the
 * earliest finish among the deployments a batch added to it): the
 * deployments after those can have a different predecessor, or commits
 * whose first deployment moved earlier; the ones before cannot.
 */
async function inferFrom(
  trx: Knex.Transaction,
  service: string,
  environment: string,
  from: number,
  touched: BatchTouches,
) {
  // From the last deployment before `from` (with its ties) on: the one
  // live before the first deployment to recompute; with the first finish
  // of each one's commit there (an index-only look-up).
  const before = historyOf(trx, service, environment)
    .where('d.finished_at', '<', from)
    .max('d.finished_at');
  const rows: Array<DbHistoryRow & { first_at: DbBigInt | null }> =
    await historyOf(trx, service, environment)
      .where('d.finished_at', '>=', trx.raw('COALESCE((?), ?)', [before, from]))
      .select(
        ...HISTORY_COLUMNS,
        trx.raw(
          `(SELECT MIN(f.finished_at) FROM dora_deployments f
             WHERE f.environment_tier = 'production' AND f.status = 'success'
               AND f.service_ref = d.service_ref
               AND f.environment = d.environment
               AND f.commit_sha = d.commit_sha) AS first_at`,
        ),
      );
  // Only deployments sent without a kind are inferred.
  if (
    rows.every(r => Boolean(r.kind_declared) || Number(r.finished_at) < from)
  ) {
    return;
  }
  const since = Math.min(...rows.map(r => Number(r.finished_at)));
  const history = rows.map(toHistory);
  // Where each of their commits was first deployed there. A first finish
  // from `since` on is among the rows, ties included; an earlier one only
  // needs its key (the tie-break) when two commits share it.
  const firsts = firstPositions(history);
  const earlier = new Map<string, number>();
  for (const r of rows) {
    const firstAt = Number(r.first_at);
    if (r.commit_sha !== null && firstAt < since) {
      earlier.set(r.commit_sha, firstAt);
      firsts.set(r.commit_sha, { finishedAt: firstAt, key: '' });
    }
  }
  const commitsAt = new Map<number, number>();
  for (const at of earlier.values()) {
    commitsAt.set(at, (commitsAt.get(at) ?? 0) + 1);
  }
  const shared = [...earlier].filter(([, at]) => commitsAt.get(at)! > 1);
  for (const part of chunks(shared)) {
    for (const [sha] of part) firsts.delete(sha);
    const tied: Array<
      Pick<DbHistoryRow, 'idempotency_key' | 'finished_at' | 'commit_sha'>
    > = await historyOf(trx, service, environment)
      .whereIn(
        'd.commit_sha',
        part.map(([sha]) => sha),
      )
      .whereIn('d.finished_at', [...new Set(part.map(([, at]) => at))])
      .select('d.idempotency_key', 'd.finished_at', 'd.commit_sha');
    firstPositions(
      tied
        .filter(r => Number(r.finished_at) === earlier.get(r.commit_sha!))
        .map(r => ({
          key: r.idempotency_key,
          finishedAt: Number(r.finished_at),
          commitSha: r.commit_sha,
        })),
      firsts,
    );
  }
  await storeInferences(
    trx,
    new Map(rows.map(r => [Number(r.id), r])),
    inferInHistory(history, firsts, from),
    touched,
  );
}

/**
 * Recomputes the inferred rollbacks of the histories the batch's new
 * deployments joined, in its transaction (under the services' locks, so
 * each batch sees every deployment stored before it: the result is the
 * same whatever order the events arrive in). Notes the deployments whose
 * flags and the days whose rollups that changes.
 */
export async function inferRollbacks(
  trx: Knex.Transaction,
  touched: BatchTouches,
): Promise<void> {
  for (const { service, environment, from } of touched.histories.values()) {
    await inferFrom(trx, service, environment, from, touched);
  }
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
