import { Knex } from 'knex';
import { BatchTouches } from '../ingest/BatchTouches';
import { inferAllRollbacks } from '../ingest/inferRollbacks';
import { markDeploymentRollupsStale } from '../ingest/markDeploymentRollupsStale';
import { relinkChanges } from '../ingest/relinkChanges';
import { rebuildRollups } from './rebuildRollups';
import { lockRollupRefresh } from './refreshStaleRollups';

/**
 * Relinks the changes left unlinked although a successful production
 * deployment ships them: concurrent batches could leave them so before
 * ingestion took per-service locks, and nothing relinked them later.
 * Through ingestion's own relinking, histograms kept in step.
 */
async function relinkUnlinkedChanges(trx: Knex.Transaction): Promise<void> {
  const unlinked = await trx('dora_changes as c')
    .whereNull('c.deployment_id')
    .whereExists(
      trx('dora_deployment_commits as dc')
        .join('dora_deployments as d', 'd.id', 'dc.deployment_id')
        .whereRaw('dc.service_ref = c.service_ref')
        .whereRaw('dc.commit_sha = c.commit_sha')
        .where({ 'd.environment_tier': 'production', 'd.status': 'success' })
        .select(trx.raw('1')),
    )
    .select<Array<{ service_ref: string; commit_sha: string }>>(
      'c.service_ref',
      'c.commit_sha',
    );
  const touches = new BatchTouches();
  for (const change of unlinked) {
    touches.commit(change.service_ref, change.commit_sha);
  }
  await relinkChanges(trx, touches);
}

/**
 * Infers the rollbacks of the deployments stored before rollbacks were
 * inferred (whose kind was not sent, as the upgrade reads a stored
 * `regular`), and reflags what they remediate, as ingestion does: the
 * days they change are marked stale for the background refresh.
 */
async function inferStoredRollbacks(trx: Knex.Transaction): Promise<void> {
  const touches = new BatchTouches();
  await inferAllRollbacks(trx, touches);
  await markDeploymentRollupsStale(trx, touches.deployments, touches.staleDays);
}

/** The backfills migrations can ask for, in the order they run. */
const BACKFILLS: Array<
  [name: string, run: (trx: Knex.Transaction) => Promise<void>]
> = [
  // Every rollup of both targets (migration 20261207100000).
  ['environment-rollups', rebuildRollups],
  // Migration 20261207110000.
  ['relink-changes', relinkUnlinkedChanges],
  // Migration 20261208100000.
  ['inferred-rollbacks', inferStoredRollbacks],
];

/**
 * Runs the backfills migrations asked for (dora_pending_backfills), each
 * once, whichever replica starts first (the others wait on the refresh
 * lock, then find nothing left to do).
 */
export async function runPendingBackfills(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('dora_pending_backfills'))) return;
  if (!(await db('dora_pending_backfills').first('name'))) return;
  await db.transaction(async trx => {
    await lockRollupRefresh(trx);
    for (const [name, run] of BACKFILLS) {
      const taken = await trx('dora_pending_backfills')
        .where('name', name)
        .delete();
      if (taken) await run(trx);
    }
  });
}
