import { Knex } from 'knex';
import { DbRollupDirtyDayRow } from '../../tables';
import { chunks, isPostgres } from '../../util';
import { rebuildDeploymentRollups } from './deploymentRollups';

/** Key of the advisory lock serialising stale-rollup refreshes. */
const STALE_ROLLUPS_LOCK = 0x646f7261; // 'dora'

/**
 * Takes the refresh lock for the rest of the transaction: one refresher (or
 * backfill) at a time across replicas. SQLite has a single writer already.
 */
export async function lockRollupRefresh(trx: Knex.Transaction) {
  if (isPostgres(trx)) {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [STALE_ROLLUPS_LOCK]);
  }
}

/**
 * Recomputes the deployment rollups of the days ingestion marked stale,
 * off the request path (RollupRefresher). One refresher at a time (an
 * advisory lock on PostgreSQL; SQLite has a single writer), so two
 * replicas never rebuild the same rows at once.
 */
export async function refreshStaleRollups(db: Knex): Promise<void> {
  // Checked without the lock first, so reads do not queue on each other
  // when nothing is stale (the usual case).
  if (!(await db('dora_rollup_dirty_days').first('id'))) return;
  await db.transaction(async trx => {
    await lockRollupRefresh(trx);
    const stale: DbRollupDirtyDayRow[] = await trx(
      'dora_rollup_dirty_days',
    ).select('id', 'day');
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
