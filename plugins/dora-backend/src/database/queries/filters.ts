/*
 * The query builders the reads share: whose rows (scope), which deployments
 * count (target), and the joins that find a change's first deployment to an
 * environment.
 */
import { Knex } from 'knex';
import { MetricsFilter, ScopeFilter } from '../types';

/**
 * Restricts rows of a raw table (`alias`) to the filter's services and
 * owners (owner at deploy or ingestion time).
 */
export function scoped(
  q: Knex.QueryBuilder,
  alias: string,
  filter: ScopeFilter,
): Knex.QueryBuilder {
  if (filter.serviceRefs) q.whereIn(`${alias}.service_ref`, filter.serviceRefs);
  if (filter.ownerRefs) q.whereIn(`${alias}.owner_ref`, filter.ownerRefs);
  return q;
}

/**
 * The deployments the figures count, as a column of dora_deployments and its
 * value (bound as `:target` in raw SQL): production-tier environments by
 * default, else the picked environment by name, whatever its tier.
 */
export function targetOf(filter: Pick<MetricsFilter, 'environment'>): {
  column: 'environment_tier' | 'environment';
  value: string;
} {
  return filter.environment === undefined
    ? { column: 'environment_tier', value: 'production' }
    : { column: 'environment', value: filter.environment };
}

/** Rows of `table` whose `timeColumn` is in the window, newest first. */
export function newestInWindow(
  db: Knex,
  table: string,
  alias: string,
  timeColumn: string,
  filter: MetricsFilter,
): Knex.QueryBuilder {
  const column = `${alias}.${timeColumn}`;
  return scoped(
    db(`${table} as ${alias}`)
      .where(column, '>=', filter.from)
      .andWhere(column, '<', filter.to),
    alias,
    filter,
  ).orderBy([
    { column, order: 'desc' },
    { column: `${alias}.id`, order: 'desc' },
  ]);
}

/**
 * A successful deployment to `environment` (alias d2) of the commit in
 * `commitAlias` (a row with service_ref and commit_sha) that finished
 * before the deployment `alias` (ties: lower id first), i.e. `alias` is not
 * that commit's first deployment there.
 */
export function earlierDeploymentTo(
  db: Knex,
  environment: string,
  commitAlias: string,
  alias: string,
): Knex.QueryBuilder {
  return db('dora_deployment_commits as dc2')
    .join('dora_deployments as d2', 'd2.id', 'dc2.deployment_id')
    .whereRaw(
      `dc2.service_ref = ${commitAlias}.service_ref AND dc2.commit_sha = ${commitAlias}.commit_sha`,
    )
    .andWhere('d2.environment', environment)
    .andWhere('d2.status', 'success')
    .andWhere(q =>
      q
        .whereRaw(`d2.finished_at < ${alias}.finished_at`)
        .orWhereRaw(
          `d2.finished_at = ${alias}.finished_at AND d2.id < ${alias}.id`,
        ),
    )
    .select(db.raw('1'));
}

/**
 * Changes (alias c) joined to their first successful deployment to
 * `environment` (alias d), when it finished in the window; scoped by that
 * deployment like the figures. dora_changes.deployment_id and deployed_at
 * only know the first production-tier deployment, so they cannot serve.
 */
export function firstDeployedTo(
  db: Knex,
  environment: string,
  filter: MetricsFilter,
): Knex.QueryBuilder {
  return scoped(
    db('dora_changes as c')
      .join('dora_deployment_commits as dc', j =>
        j
          .on('dc.service_ref', 'c.service_ref')
          .andOn('dc.commit_sha', 'c.commit_sha'),
      )
      .join('dora_deployments as d', 'd.id', 'dc.deployment_id')
      .where('d.environment', environment)
      .andWhere('d.status', 'success')
      .andWhere('d.finished_at', '>=', filter.from)
      .andWhere('d.finished_at', '<', filter.to)
      .whereNotExists(earlierDeploymentTo(db, environment, 'c', 'd')),
    'd',
    filter,
  );
}

/** The successful deployments (alias d) the figures count, in the window. */
export function countedDeployments(
  db: Knex,
  filter: MetricsFilter,
): Knex.QueryBuilder {
  const target = targetOf(filter);
  return scoped(
    db('dora_deployments as d')
      .where(`d.${target.column}`, target.value)
      .andWhere('d.status', 'success')
      .andWhere('d.finished_at', '>=', filter.from)
      .andWhere('d.finished_at', '<', filter.to),
    'd',
    filter,
  );
}

/**
 * Incidents (alias i) opened in the window, in the scope; with an
 * environment picked, only those linked to a deployment in it.
 */
export function incidentsOpened(
  db: Knex,
  filter: MetricsFilter,
): Knex.QueryBuilder {
  const q = scoped(
    db('dora_incidents as i')
      .where('i.opened_at', '>=', filter.from)
      .andWhere('i.opened_at', '<', filter.to),
    'i',
    filter,
  );
  if (filter.environment !== undefined) {
    q.where('i.caused_by_environment', filter.environment);
  }
  return q;
}
