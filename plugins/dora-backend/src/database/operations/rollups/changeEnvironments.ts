import { Knex } from 'knex';
import { refreshChangeValues } from './changeValues';
import { Where } from './sql';
import { DbChangeEnvironmentRow } from '../../tables';

/**
 * The columns of dora_change_environments that a change's first deployment
 * to an environment sets (the durations are derived from them afterwards).
 */
export const FIRST_DEPLOYMENT_COLUMNS = [
  'change_id',
  'environment',
  'service_ref',
  'commit_sha',
  'deployment_id',
  'deployed_at',
  'owner_ref',
  'authored_at',
  'pr_opened_at',
  'merged_at',
  'squash_merge',
] as const satisfies ReadonlyArray<keyof DbChangeEnvironmentRow>;

/**
 * Sets dora_change_environments for the changes `where` selects (alias c;
 * all when omitted), which must have no rows there: each change's first
 * successful deployment to each environment (ties: lower id first), with
 * the owner at deploy time and the change's own times, then its durations.
 */
export async function insertChangeEnvironments(
  knex: Knex,
  where?: Where,
): Promise<void> {
  // Ranked with a window function rather than "no earlier deployment"
  // (NOT EXISTS): on fresh, unanalysed tables PostgreSQL planned that as an
  // anti-join over every candidate pair, 100+ ms per batch.
  const ranked = knex('dora_changes as c')
    .join('dora_deployment_commits as dc', j =>
      j
        .on('dc.service_ref', 'c.service_ref')
        .andOn('dc.commit_sha', 'c.commit_sha'),
    )
    .join('dora_deployments as d', 'd.id', 'dc.deployment_id')
    .where('d.status', 'success')
    .select(
      knex.raw(
        `c.id AS change_id, d.environment, c.service_ref, c.commit_sha,
         d.id AS deployment_id, d.finished_at AS deployed_at, d.owner_ref,
         c.authored_at, c.pr_opened_at, c.merged_at, c.squash_merge,
         ROW_NUMBER() OVER (PARTITION BY c.id, d.environment
                            ORDER BY d.finished_at, d.id) AS nth`,
      ),
    );
  if (where) where(ranked);
  const { sql, bindings } = ranked.toSQL();
  await knex.raw(
    `INSERT INTO dora_change_environments (${FIRST_DEPLOYMENT_COLUMNS.join(
      ', ',
    )})
     SELECT ${FIRST_DEPLOYMENT_COLUMNS.join(
       ', ',
     )} FROM (${sql}) first_deployments WHERE nth = 1`,
    bindings,
  );
  await refreshChangeValues(
    knex,
    q => {
      if (!where) return;
      q.whereIn(
        'change_id',
        (() => {
          const ids = knex('dora_changes as c').select('c.id');
          where(ids);
          return ids;
        })(),
      );
    },
    'dora_change_environments',
  );
}
