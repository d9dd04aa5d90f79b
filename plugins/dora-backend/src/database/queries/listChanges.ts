import { DoraChangeRow } from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { DbFirstDeployment, toChangeRow } from '../conversion';
import { DbChangeRow } from '../tables';
import { MetricsFilter } from '../types';
import { firstDeployedTo, newestInWindow } from './filters';

/**
 * Changes whose first deployment to the target finished in the window,
 * newest first, with that deployment.
 */
export async function listChanges(
  db: Knex,
  filter: MetricsFilter,
  limit: number,
): Promise<DoraChangeRow[]> {
  // The deployment that shipped each change first to the target.
  const rows: Array<DbChangeRow & DbFirstDeployment> =
    filter.environment === undefined
      ? await newestInWindow(db, 'dora_changes', 'c', 'deployed_at', filter)
          .select(
            'c.*',
            'c.deployment_id as first_deployment_id',
            'c.deployed_at as first_deployed_at',
            'c.owner_ref as first_owner_ref',
          )
          .limit(limit)
      : await firstDeployedTo(db, filter.environment, filter)
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
  return rows.map(toChangeRow);
}
