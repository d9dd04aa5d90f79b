import { Knex } from 'knex';
import { rebuildRollups } from './rebuildRollups';
import { lockRollupRefresh } from './refreshStaleRollups';

/**
 * Backfills a migration asked for (dora_pending_backfills): today only
 * 'environment-rollups', which rebuilds every rollup. Once, whichever
 * replica starts first (the others wait on the refresh lock, then find
 * nothing left to do).
 */
export async function runPendingBackfills(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('dora_pending_backfills'))) return;
  if (!(await db('dora_pending_backfills').first('name'))) return;
  await db.transaction(async trx => {
    await lockRollupRefresh(trx);
    const taken = await trx('dora_pending_backfills')
      .where('name', 'environment-rollups')
      .delete();
    if (!taken) return;
    await rebuildRollups(trx);
  });
}
