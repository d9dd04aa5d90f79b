import { Knex } from 'knex';
import { DAY_MS } from '@internal/paved-road-common';
import {
  dayOf,
  insertSelect,
  PROD_SUCCESS,
  RollupScopeKind,
  Where,
} from './sql';

const scopeRef = (kind: RollupScopeKind) =>
  ({ org: `''`, owner: 'd.owner_ref', service: 'd.service_ref' }[kind]);

/**
 * A deployment rollup table: the default target's, or the per-environment
 * one (keyed by environment too, counting the `env_` flags).
 */
type DeploymentRollup = {
  table: string;
  eligible: string;
  flags: string;
  key: Array<[string, string]>;
};
const DEFAULT_DEPLOYMENT_ROLLUP: DeploymentRollup = {
  table: 'dora_rollup_deployment_days',
  eligible: PROD_SUCCESS,
  flags: '',
  key: [],
};
const ENVIRONMENT_DEPLOYMENT_ROLLUP: DeploymentRollup = {
  table: 'dora_env_deployment_days',
  eligible: `d.status = 'success'`,
  flags: 'env_',
  key: [['environment', 'd.environment']],
};

/** Columns of a deployment rollup row over dora_deployments d. */
function deploymentRollupColumns(
  rollup: DeploymentRollup,
  kind: RollupScopeKind,
): Array<[string, string]> {
  const f = rollup.flags;
  return [
    ...rollup.key,
    ['scope_kind', `'${kind}'`],
    ['scope_ref', scopeRef(kind)],
    ['day', dayOf('d.finished_at')],
    ['deployments', 'COUNT(*)'],
    [
      'unplanned',
      `SUM(CASE WHEN d.kind IN ('hotfix', 'rollback') THEN 1 ELSE 0 END)`,
    ],
    [
      'failed',
      `SUM(CASE WHEN d.${f}failed_by_incident = 1 OR d.${f}failed_by_rollback = 1 OR d.${f}failed_by_hotfix = 1 THEN 1 ELSE 0 END)`,
    ],
    ['by_incident', `SUM(d.${f}failed_by_incident)`],
    ['by_rollback', `SUM(d.${f}failed_by_rollback)`],
    ['by_hotfix', `SUM(d.${f}failed_by_hotfix)`],
    [
      'recovered',
      `SUM(CASE WHEN d.${f}recovered_at IS NULL THEN 0 ELSE 1 END)`,
    ],
  ];
}

/** The columns of a deployment rollup row, without the environment. */
export const DEPLOYMENT_ROLLUP_COLUMNS = deploymentRollupColumns(
  DEFAULT_DEPLOYMENT_ROLLUP,
  'org',
).map(([name]) => name);

/**
 * The deployment rollup rows of the eligible deployments `where` selects,
 * per scope and UTC day (FROM, WHERE and GROUP BY only).
 */
function deploymentRollupFrom(
  knex: Knex,
  rollup: DeploymentRollup,
  kind: RollupScopeKind,
  where?: Where,
): Knex.QueryBuilder {
  const group = [
    ...rollup.key.map(([, expr]) => expr),
    ...(kind === 'org' ? [] : [scopeRef(kind)]),
    dayOf('d.finished_at'),
  ];
  const q = knex('dora_deployments as d')
    .whereRaw(rollup.eligible)
    .groupByRaw(group.join(', '));
  if (kind === 'owner') q.whereNotNull('d.owner_ref');
  if (where) where(q);
  return q;
}

/** Deployments that finished on one of the UTC `days`. */
const finishedOn = (days: number[]) => (q: Knex.QueryBuilder) =>
  q.where(s => {
    for (const day of days) {
      s.orWhereBetween('d.finished_at', [day * DAY_MS, (day + 1) * DAY_MS - 1]);
    }
  });

/**
 * The deployment rollup rows of the `days` of one scope kind (of the `refs`
 * only, when given), for the default target or one environment, computed
 * from the raw rows: what a read uses for days whose stored rows are stale.
 * Columns as DEPLOYMENT_ROLLUP_COLUMNS.
 */
export function liveDeploymentRollups(
  knex: Knex,
  target: { environment?: string },
  kind: RollupScopeKind,
  days: number[],
  refs?: string[],
): Knex.QueryBuilder {
  const rollup =
    target.environment === undefined
      ? DEFAULT_DEPLOYMENT_ROLLUP
      : ENVIRONMENT_DEPLOYMENT_ROLLUP;
  const q = deploymentRollupFrom(knex, rollup, kind, finishedOn(days));
  if (target.environment !== undefined) {
    q.where('d.environment', target.environment);
  }
  if (refs) q.whereIn(kind === 'owner' ? 'd.owner_ref' : 'd.service_ref', refs);
  return q.select(
    knex.raw(
      deploymentRollupColumns(rollup, kind)
        .slice(rollup.key.length)
        .map(([name, expr]) => `${expr} AS ${name}`)
        .join(', '),
    ),
  );
}

/**
 * Recomputes the deployment rollups of both targets from the flagged
 * deployments: all of them, or every scope of the given days.
 */
export async function rebuildDeploymentRollups(
  knex: Knex,
  keys?: { days: number[] },
): Promise<void> {
  if (keys && !keys.days.length) return;
  for (const rollup of [
    DEFAULT_DEPLOYMENT_ROLLUP,
    ENVIRONMENT_DEPLOYMENT_ROLLUP,
  ]) {
    if (!keys) {
      await knex(rollup.table).delete();
    } else {
      await knex(rollup.table).whereIn('day', keys.days).delete();
    }
    for (const kind of ['org', 'owner', 'service'] as const) {
      await insertSelect(
        knex,
        rollup.table,
        deploymentRollupColumns(rollup, kind),
        deploymentRollupFrom(knex, rollup, kind, keys && finishedOn(keys.days)),
      );
    }
  }
}
