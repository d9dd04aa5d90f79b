import { Knex } from 'knex';
import { DAY_MS } from '@internal/paved-road-common';
import { DbDeploymentRow } from '../../tables';
import { chunks } from '../../util';
import { refreshDeploymentFlags } from '../rollups/deploymentFlags';

/**
 * Recomputes the failure flags and recovery of the touched deployments and
 * marks their days (successful ones) and `days` stale. Recomputing the
 * day rollups here would make concurrent batches queue on the same
 * organisation rows; a background refresh does it instead
 * (refreshStaleRollups), and reads compute stale days from the raw rows.
 */
export async function markDeploymentRollupsStale(
  trx: Knex.Transaction,
  touched: Set<number>,
  days: Set<number>,
) {
  for (const part of chunks([...touched])) {
    await refreshDeploymentFlags(trx, q => {
      q.whereIn('d.id', part);
    });
    const rows: Array<Pick<DbDeploymentRow, 'finished_at'>> = await trx(
      'dora_deployments',
    )
      .whereIn('id', part)
      .where({ status: 'success' })
      .select('finished_at');
    for (const r of rows) {
      days.add(Math.floor(Number(r.finished_at) / DAY_MS));
    }
  }
  if (days.size) {
    await trx('dora_rollup_dirty_days').insert([...days].map(day => ({ day })));
  }
}
