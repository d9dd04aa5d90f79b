import {
  DoraEnvironment,
  ENVIRONMENT_TIERS,
  EnvironmentTier,
} from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { iso, num } from '../conversion';
import { DbAggregate, DbDeploymentRow } from '../tables';
import { ScopeFilter } from '../types';
import { scoped } from './filters';

/**
 * The environments the scope deployed to successfully, all time: tier
 * order (production first), then by name.
 */
export async function environments(
  db: Knex,
  filter: ScopeFilter,
): Promise<DoraEnvironment[]> {
  const rows: Array<
    Pick<DbDeploymentRow, 'environment' | 'environment_tier'> & {
      deployments: DbAggregate;
      last_deployed_at: DbAggregate;
    }
  > = await scoped(
    db('dora_deployments as d').where('d.status', 'success'),
    'd',
    filter,
  )
    .groupBy('d.environment', 'd.environment_tier')
    .select(
      'd.environment',
      'd.environment_tier',
      db.raw('COUNT(*) AS deployments'),
      db.raw('MAX(d.finished_at) AS last_deployed_at'),
    );
  const rank = (tier: EnvironmentTier) => ENVIRONMENT_TIERS.indexOf(tier);
  // A name sent with different tiers over time (config changed) is one
  // environment, shown with the tier of its latest deployment (on a tie,
  // the tier listed first, so the answer does not depend on row order).
  const byName = new Map<
    string,
    { tier: EnvironmentTier; n: number; last: number }
  >();
  for (const r of rows) {
    const last = num(r.last_deployed_at);
    const seen = byName.get(r.environment);
    byName.set(r.environment, {
      tier:
        seen &&
        (seen.last > last ||
          (seen.last === last && rank(seen.tier) < rank(r.environment_tier)))
          ? seen.tier
          : r.environment_tier,
      n: (seen?.n ?? 0) + num(r.deployments),
      last: Math.max(seen?.last ?? 0, last),
    });
  }
  return [...byName.entries()]
    .map(([name, e]) => ({
      name,
      tier: e.tier,
      deployments: e.n,
      lastDeployedAt: iso(e.last),
    }))
    .sort(
      (a, b) =>
        rank(a.tier) - rank(b.tier) ||
        (a.name < b.name ? -1 : Number(a.name > b.name)),
    );
}
