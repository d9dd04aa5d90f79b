import { DoraIncidentRow } from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { toIncidentRow } from '../conversion';
import { DbIncidentRow } from '../tables';
import { MetricsFilter } from '../types';
import { newestInWindow } from './filters';

/**
 * Incidents opened in the window, newest first; with an environment picked,
 * those linked to a deployment in it.
 */
export async function listIncidents(
  db: Knex,
  filter: MetricsFilter,
  limit: number,
): Promise<DoraIncidentRow[]> {
  const query = newestInWindow(db, 'dora_incidents', 'i', 'opened_at', filter);
  if (filter.environment !== undefined) {
    query.where('i.caused_by_environment', filter.environment);
  }
  const rows: DbIncidentRow[] = await query.select('i.*').limit(limit);
  return rows.map(toIncidentRow);
}
