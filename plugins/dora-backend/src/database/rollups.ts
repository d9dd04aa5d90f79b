/*
 * The DORA rollups as the store keeps them today: derived columns on the raw
 * rows and the two rollup tables. Everything here is integer SQL that
 * PostgreSQL and SQLite evaluate the same way, so the rollups are identical
 * on both databases.
 *
 * The migrations that introduced the rollups run their own frozen copy
 * (migrations/shared/rollups.js): a migration that already ran must not
 * change with today's code.
 */
import { Knex } from 'knex';

export const DAY_MS = 86_400_000;
/** Fine buckets per octave (power of two) of a duration in ms. */
export const SUB_BUCKETS = 64;
/** Octaves covered: durations up to 2^41 ms (about 70 years). */
const OCTAVES = 41;

/** Duration metrics of a change, each with a value and a bucket column. */
export const CHANGE_METRICS = ['lead', 'coding', 'review', 'waiting'] as const;
export type ChangeMetric = (typeof CHANGE_METRICS)[number];

/** Whose rows a rollup row sums: the organisation, an owner, a service. */
export type RollupScopeKind = 'org' | 'owner' | 'service';

type Where = (q: Knex.QueryBuilder) => void;

/**
 * Fine bucket of a duration, in SQL over an integer expression: 0 for 0 ms,
 * else (octave + 1) * 64 + position within the octave (integer arithmetic,
 * the same on both databases). Monotonic in the value; coarse bucket =
 * fine / 64. A binary search over the octaves, so a row evaluates the
 * expression about eight times.
 */
export function bucketSql(v: string): string {
  const octaves = (lo: number, hi: number): string => {
    if (lo === hi) {
      const base = 2 ** lo;
      return `${
        (lo + 1) * SUB_BUCKETS
      } + ((${v} - ${base}) * ${SUB_BUCKETS}) / ${base}`;
    }
    const mid = Math.ceil((lo + hi) / 2);
    return `CASE WHEN ${v} < ${2 ** mid} THEN ${octaves(
      lo,
      mid - 1,
    )} ELSE ${octaves(mid, hi)} END`;
  };
  return `(CASE WHEN ${v} < 1 THEN 0 ELSE ${octaves(0, OCTAVES - 1)} END)`;
}

/** max(0, a - b) for non-null a and b. */
const nonNegative = (a: string, b: string) =>
  `(CASE WHEN ${a} < ${b} THEN 0 ELSE ${a} - ${b} END)`;

/**
 * Durations of a change (columns of dora_changes, unqualified), null when the
 * change is not deployed or the stage is unknown. Same definitions as
 * leadTimeOf in src/service/figures.ts.
 */
const FALLBACK = `(squash_merge AND pr_opened_at IS NOT NULL)`;
const CHANGE_VALUE_SQL: Record<ChangeMetric, string> = {
  lead: `(CASE WHEN deployed_at IS NULL THEN NULL
              WHEN ${FALLBACK} THEN ${nonNegative(
    'deployed_at',
    'pr_opened_at',
  )}
              ELSE ${nonNegative('deployed_at', 'authored_at')} END)`,
  coding: `(CASE WHEN deployed_at IS NULL OR pr_opened_at IS NULL OR squash_merge THEN NULL
                ELSE ${nonNegative('pr_opened_at', 'authored_at')} END)`,
  review: `(CASE WHEN deployed_at IS NULL OR pr_opened_at IS NULL OR merged_at IS NULL THEN NULL
                ELSE ${nonNegative('merged_at', 'pr_opened_at')} END)`,
  waiting: `(CASE WHEN deployed_at IS NULL OR merged_at IS NULL THEN NULL
                 ELSE ${nonNegative('deployed_at', 'merged_at')} END)`,
};

/**
 * The rows a change's durations live on: dora_changes for the default
 * target (its first production-tier deployment), dora_change_environments
 * for each environment it was deployed to (same column names).
 */
export type ChangeTable = 'dora_changes' | 'dora_change_environments';

/**
 * Sets the duration and bucket columns of the changes `where` selects (all
 * when omitted) from their raw and link columns, in one pass (the bucket is
 * computed from the duration's expression, not from the column being set).
 */
export async function refreshChangeValues(
  knex: Knex,
  where?: Where,
  table: ChangeTable = 'dora_changes',
): Promise<void> {
  const set: Record<string, Knex.Raw> = {
    fallback: knex.raw(
      `CASE WHEN deployed_at IS NOT NULL AND ${FALLBACK} THEN 1 ELSE 0 END`,
    ),
  };
  for (const m of CHANGE_METRICS) {
    const value = CHANGE_VALUE_SQL[m];
    set[`${m}_ms`] = knex.raw(value);
    set[`${m}_bucket`] = knex.raw(
      `CASE WHEN ${value} IS NULL THEN NULL ELSE ${bucketSql(value)} END`,
    );
  }
  const q = knex(table).update(set);
  if (where) where(q);
  await q;
}

/** INSERT INTO table (columns) SELECT expressions FROM ..., on both databases. */
async function insertSelect(
  knex: Knex,
  table: string,
  columns: Array<[name: string, expression: string]>,
  from: Knex.QueryBuilder,
) {
  const { sql, bindings } = from
    .select(knex.raw(columns.map(([, expr]) => expr).join(', ')))
    .toSQL();
  await knex.raw(
    `INSERT INTO ${table} (${columns.map(([name]) => name).join(', ')}) ${sql}`,
    bindings,
  );
}

const PROD_SUCCESS = `d.environment_tier = 'production' AND d.status = 'success'`;
const HAS_INCIDENT = `EXISTS (SELECT 1 FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id)`;
/** Resolution of the last linked incident when all are resolved. */
const RESOLVED_AT = `(CASE WHEN ${HAS_INCIDENT} AND NOT EXISTS (
     SELECT 1 FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id AND i.resolved_at IS NULL)
   THEN (SELECT MAX(i.resolved_at) FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id) END)`;

/**
 * The two ways a deployment (alias d) is flagged: for the default target
 * (successful production-tier deployments, remedied anywhere in production)
 * and for a picked environment (any successful deployment, remedied in its
 * own environment), each in its own columns.
 */
const FLAG_TARGETS = [
  {
    prefix: '',
    eligible: PROD_SUCCESS,
    remedyIn: `r.environment_tier = 'production'`,
  },
  {
    prefix: 'env_',
    eligible: `d.status = 'success'`,
    remedyIn: 'r.environment = d.environment',
  },
];

/**
 * Sets the failure flags and recovery of the deployments `where` selects (all
 * when omitted; `d` is the alias), for both targets. Only eligible
 * deployments can fail; recovery is the earlier of the first remediation and
 * the resolution of the last linked incident.
 */
export async function refreshDeploymentFlags(
  knex: Knex,
  where?: Where,
): Promise<void> {
  const set: Record<string, Knex.Raw> = {};
  for (const { prefix, eligible, remedyIn } of FLAG_TARGETS) {
    const hasRemedy = (kind: 'rollback' | 'hotfix') =>
      `EXISTS (SELECT 1 FROM dora_deployments r WHERE r.remediates_deployment_id = d.id
         AND r.kind = '${kind}' AND r.status = 'success' AND ${remedyIn})`;
    const remediedAt = `(SELECT MIN(r.finished_at) FROM dora_deployments r
       WHERE r.remediates_deployment_id = d.id AND r.status = 'success' AND ${remedyIn})`;
    const flag = (cond: string) =>
      knex.raw(`CASE WHEN ${eligible} AND ${cond} THEN 1 ELSE 0 END`);
    const failed = `(${HAS_INCIDENT} OR ${hasRemedy('rollback')} OR ${hasRemedy(
      'hotfix',
    )})`;
    set[`${prefix}failed_by_incident`] = flag(HAS_INCIDENT);
    set[`${prefix}failed_by_rollback`] = flag(hasRemedy('rollback'));
    set[`${prefix}failed_by_hotfix`] = flag(hasRemedy('hotfix'));
    set[`${prefix}recovered_at`] = knex.raw(
      `CASE WHEN NOT (${eligible} AND ${failed}) THEN NULL
            WHEN ${remediedAt} IS NULL THEN ${RESOLVED_AT}
            WHEN ${RESOLVED_AT} IS NULL OR ${remediedAt} < ${RESOLVED_AT} THEN ${remediedAt}
            ELSE ${RESOLVED_AT} END`,
    );
  }
  const q = knex('dora_deployments as d').update(set);
  if (where) where(q);
  await q;
  // A second pass: SQLite does not see the new recovered_at in the same UPDATE.
  const recovery = (prefix: string) =>
    knex.raw(
      `CASE WHEN d.${prefix}recovered_at IS NULL THEN NULL ELSE ${nonNegative(
        `d.${prefix}recovered_at`,
        'd.finished_at',
      )} END`,
    );
  const q2 = knex('dora_deployments as d').update({
    recovery_ms: recovery(''),
    env_recovery_ms: recovery('env_'),
  });
  if (where) where(q2);
  await q2;
}

const scopeRef = (kind: RollupScopeKind) =>
  ({ org: `''`, owner: 'd.owner_ref', service: 'd.service_ref' }[kind]);
const dayOf = (column: string) => `CAST(${column} / ${DAY_MS} AS INTEGER)`;

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
  const columns = [
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
  ];
  const { sql, bindings } = ranked.toSQL();
  await knex.raw(
    `INSERT INTO dora_change_environments (${columns.join(', ')})
     SELECT ${columns.join(
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

/** A change's row as the histogram needs it (PostgreSQL bigints as strings). */
export type ChangeRollupSource = {
  deployed_at: unknown;
  owner_ref: string | null;
  fallback: unknown;
} & Partial<Record<`${ChangeMetric}_bucket`, unknown>>;

/**
 * One dora_rollup_change_days key a change counts in: scope kind, scope ref,
 * metric ('fallback' or a change metric), level, bucket and day.
 */
export type ChangeContribution = [
  kind: 'org' | 'owner',
  ref: string,
  metric: ChangeMetric | 'fallback',
  level: number,
  bucket: number,
  day: number,
];

/**
 * Histogram rows a change contributes: per scope (organisation; owner at
 * deploy time), metric, level (0 = octave for both, 1 = fine bucket for the
 * organisation only) and UTC day of its deployment. `fallback` counts squash
 * merges measured from PR open.
 */
export function changeContributions(
  row: ChangeRollupSource,
): ChangeContribution[] {
  const out: ChangeContribution[] = [];
  if (row.deployed_at === null || row.deployed_at === undefined) return out;
  const day = Math.floor(Number(row.deployed_at) / DAY_MS);
  const scopes: Array<['org' | 'owner', string]> = [['org', '']];
  if (row.owner_ref !== null) scopes.push(['owner', row.owner_ref]);
  for (const [kind, ref] of scopes) {
    if (Number(row.fallback)) out.push([kind, ref, 'fallback', 0, 0, day]);
    for (const m of CHANGE_METRICS) {
      const bucket = row[`${m}_bucket`];
      if (bucket === null || bucket === undefined) continue;
      const fine = Number(bucket);
      out.push([kind, ref, m, 0, Math.floor(fine / SUB_BUCKETS), day]);
      if (kind === 'org') out.push([kind, ref, m, 1, fine, day]);
    }
  }
  return out;
}

/**
 * A change histogram table and the rows it counts: the default target's
 * over dora_changes, the per-environment one over dora_change_environments.
 */
export const CHANGE_ROLLUPS = {
  default: {
    table: 'dora_rollup_change_days',
    source: 'dora_changes' as ChangeTable,
    key: [] as Array<[string, string]>,
  },
  environment: {
    table: 'dora_env_change_days',
    source: 'dora_change_environments' as ChangeTable,
    key: [['environment', 'c.environment']] as Array<[string, string]>,
  },
};

/** Rebuilds both change histograms from the changes' columns, set-based. */
async function rebuildChangeRollups(knex: Knex): Promise<void> {
  const day = dayOf('c.deployed_at');
  for (const { table, source, key } of Object.values(CHANGE_ROLLUPS)) {
    await knex(table).delete();
    const insert = async (
      kind: 'org' | 'owner',
      metric: ChangeMetric | 'fallback',
      level: number,
      bucketExpr: string,
      notNull: string,
    ) => {
      const ref = kind === 'org' ? `''` : 'c.owner_ref';
      const from = knex(`${source} as c`)
        .whereNotNull('c.deployed_at')
        .whereRaw(notNull)
        // A constant bucket (fallback) is not grouped: GROUP BY 0 means a position.
        .groupByRaw(
          [
            ...key.map(([, expr]) => expr),
            kind === 'org' ? null : ref,
            bucketExpr === '0' ? null : bucketExpr,
            day,
          ]
            .filter(Boolean)
            .join(', '),
        );
      if (kind === 'owner') from.whereNotNull('c.owner_ref');
      await insertSelect(
        knex,
        table,
        [
          ...key,
          ['scope_kind', `'${kind}'`],
          ['scope_ref', ref],
          ['metric', `'${metric}'`],
          ['level', String(level)],
          ['bucket', bucketExpr],
          ['day', day],
          ['n', 'COUNT(*)'],
        ],
        from,
      );
    };
    for (const kind of ['org', 'owner'] as const) {
      await insert(kind, 'fallback', 0, '0', 'c.fallback = 1');
      for (const m of CHANGE_METRICS) {
        const notNull = `c.${m}_bucket IS NOT NULL`;
        await insert(kind, m, 0, `c.${m}_bucket / ${SUB_BUCKETS}`, notNull);
        if (kind === 'org') await insert(kind, m, 1, `c.${m}_bucket`, notNull);
      }
    }
  }
}

/**
 * The derived columns and every rollup of both targets from the raw rows
 * (DatabaseDoraStore.rebuildRollups, and the backfill of an upgraded
 * install).
 */
export async function rebuildRollups(knex: Knex): Promise<void> {
  await refreshChangeValues(knex);
  await refreshDeploymentFlags(knex);
  await knex('dora_change_environments').delete();
  await insertChangeEnvironments(knex);
  await rebuildDeploymentRollups(knex);
  await rebuildChangeRollups(knex);
}
