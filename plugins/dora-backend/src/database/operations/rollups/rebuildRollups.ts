import { Knex } from 'knex';
import { inferAllRollbacks } from '../ingest/inferRollbacks';
import { insertChangeEnvironments } from './changeEnvironments';
import { rebuildChangeRollups } from './changeRollups';
import { refreshChangeValues } from './changeValues';
import { refreshDeploymentFlags } from './deploymentFlags';
import { rebuildDeploymentRollups } from './deploymentRollups';

/**
 * The derived columns and every rollup of both targets from the raw rows,
 * with no day left marked stale (DatabaseDoraStore.rebuildRollups, and the
 * backfill of an upgraded install): the inferred rollbacks first, as the
 * failure flags and rework counts follow them. Run it in a transaction.
 */
export async function rebuildRollups(knex: Knex): Promise<void> {
  await knex('dora_rollup_dirty_days').delete();
  await inferAllRollbacks(knex);
  await refreshChangeValues(knex);
  await refreshDeploymentFlags(knex);
  await knex('dora_change_environments').delete();
  await insertChangeEnvironments(knex);
  await rebuildDeploymentRollups(knex);
  await rebuildChangeRollups(knex);
}
