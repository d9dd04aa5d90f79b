import { DoraDeploymentRow } from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { toDeploymentRow } from '../conversion';
import { DbAggregate, DbDeploymentRow } from '../tables';
import { MetricsFilter } from '../types';
import { newestInWindow, targetOf } from './filters';

/**
 * Deployments finished in the window, newest first (every tier; only the
 * picked environment's when one is), flagged failed as the figures count it.
 */
export async function listDeployments(
  db: Knex,
  filter: MetricsFilter,
  limit: number,
): Promise<DoraDeploymentRow[]> {
  const target = targetOf(filter);
  const query = newestInWindow(
    db,
    'dora_deployments',
    'd',
    'finished_at',
    filter,
  );
  if (filter.environment !== undefined) {
    query.where('d.environment', filter.environment);
  }
  const rows: Array<
    DbDeploymentRow & {
      has_incident: DbAggregate;
      remediated_by: string | null;
    }
  > = await query
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
  return rows.map(r =>
    toDeploymentRow(
      r,
      r[target.column] === target.value &&
        r.status === 'success' &&
        (Boolean(Number(r.has_incident)) || r.remediated_by !== null),
    ),
  );
}
