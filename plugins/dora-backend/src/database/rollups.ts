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
 * Sets the duration and bucket columns of the changes `where` selects (all
 * when omitted) from their raw and link columns, in one pass (the bucket is
 * computed from the duration's expression, not from the column being set).
 */
export async function refreshChangeValues(
  knex: Knex,
  where?: Where,
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
  const q = knex('dora_changes').update(set);
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
const HAS_REMEDY = (kind: 'rollback' | 'hotfix') =>
  `EXISTS (SELECT 1 FROM dora_deployments r WHERE r.remediates_deployment_id = d.id
     AND r.kind = '${kind}' AND r.status = 'success' AND r.environment_tier = 'production')`;
const REMEDIED_AT = `(SELECT MIN(r.finished_at) FROM dora_deployments r
   WHERE r.remediates_deployment_id = d.id AND r.status = 'success'
     AND r.environment_tier = 'production')`;
/** Resolution of the last linked incident when all are resolved. */
const RESOLVED_AT = `(CASE WHEN ${HAS_INCIDENT} AND NOT EXISTS (
     SELECT 1 FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id AND i.resolved_at IS NULL)
   THEN (SELECT MAX(i.resolved_at) FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id) END)`;

/**
 * Sets the failure flags and recovery of the deployments `where` selects (all
 * when omitted; `d` is the alias). Only successful production deployments can
 * fail; recovery is the earlier of the first remediation and the resolution
 * of the last linked incident.
 */
export async function refreshDeploymentFlags(
  knex: Knex,
  where?: Where,
): Promise<void> {
  const flag = (cond: string) =>
    knex.raw(`CASE WHEN ${PROD_SUCCESS} AND ${cond} THEN 1 ELSE 0 END`);
  const failed = `(${HAS_INCIDENT} OR ${HAS_REMEDY('rollback')} OR ${HAS_REMEDY(
    'hotfix',
  )})`;
  const q = knex('dora_deployments as d').update({
    failed_by_incident: flag(HAS_INCIDENT),
    failed_by_rollback: flag(HAS_REMEDY('rollback')),
    failed_by_hotfix: flag(HAS_REMEDY('hotfix')),
    recovered_at: knex.raw(
      `CASE WHEN NOT (${PROD_SUCCESS} AND ${failed}) THEN NULL
            WHEN ${REMEDIED_AT} IS NULL THEN ${RESOLVED_AT}
            WHEN ${RESOLVED_AT} IS NULL OR ${REMEDIED_AT} < ${RESOLVED_AT} THEN ${REMEDIED_AT}
            ELSE ${RESOLVED_AT} END`,
    ),
  });
  if (where) where(q);
  await q;
  // A second pass: SQLite does not see the new recovered_at in the same UPDATE.
  const q2 = knex('dora_deployments as d').update({
    recovery_ms: knex.raw(
      `CASE WHEN d.recovered_at IS NULL THEN NULL ELSE ${nonNegative(
        'd.recovered_at',
        'd.finished_at',
      )} END`,
    ),
  });
  if (where) where(q2);
  await q2;
}

const scopeRef = (kind: RollupScopeKind) =>
  ({ org: `''`, owner: 'd.owner_ref', service: 'd.service_ref' }[kind]);
const dayOf = (column: string) => `CAST(${column} / ${DAY_MS} AS INTEGER)`;

/** Columns of dora_rollup_deployment_days over dora_deployments d. */
function deploymentRollupColumns(
  kind: RollupScopeKind,
): Array<[string, string]> {
  return [
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
      'SUM(CASE WHEN d.failed_by_incident = 1 OR d.failed_by_rollback = 1 OR d.failed_by_hotfix = 1 THEN 1 ELSE 0 END)',
    ],
    ['by_incident', 'SUM(d.failed_by_incident)'],
    ['by_rollback', 'SUM(d.failed_by_rollback)'],
    ['by_hotfix', 'SUM(d.failed_by_hotfix)'],
    ['recovered', 'SUM(CASE WHEN d.recovered_at IS NULL THEN 0 ELSE 1 END)'],
  ];
}

/** The columns of a dora_rollup_deployment_days row, in table order. */
export const DEPLOYMENT_ROLLUP_COLUMNS = deploymentRollupColumns('org').map(
  ([name]) => name,
);

/**
 * The deployment rollup rows of the successful production deployments
 * `where` selects, per scope and UTC day (FROM, WHERE and GROUP BY only).
 */
function deploymentRollupFrom(
  knex: Knex,
  kind: RollupScopeKind,
  where?: Where,
): Knex.QueryBuilder {
  const ref = scopeRef(kind);
  const day = dayOf('d.finished_at');
  const q = knex('dora_deployments as d')
    .whereRaw(PROD_SUCCESS)
    .groupByRaw(kind === 'org' ? day : `${ref}, ${day}`);
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
 * The rows dora_rollup_deployment_days would hold for the `days` of one
 * scope kind (of the `refs` only, when given), computed from the raw rows:
 * what a read uses for days whose rollup rows are stale.
 */
export function liveDeploymentRollups(
  knex: Knex,
  kind: RollupScopeKind,
  days: number[],
  refs?: string[],
): Knex.QueryBuilder {
  const q = deploymentRollupFrom(knex, kind, finishedOn(days));
  if (refs) q.whereIn(kind === 'owner' ? 'd.owner_ref' : 'd.service_ref', refs);
  return q.select(
    knex.raw(
      deploymentRollupColumns(kind)
        .map(([name, expr]) => `${expr} AS ${name}`)
        .join(', '),
    ),
  );
}

/**
 * Recomputes the deployment rollups from the flagged deployments: all of
 * them, or every scope of the given days.
 */
export async function rebuildDeploymentRollups(
  knex: Knex,
  keys?: { days: number[] },
): Promise<void> {
  const table = 'dora_rollup_deployment_days';
  if (!keys) {
    await knex(table).delete();
  } else {
    if (!keys.days.length) return;
    await knex(table).whereIn('day', keys.days).delete();
  }
  for (const kind of ['org', 'owner', 'service'] as const) {
    await insertSelect(
      knex,
      table,
      deploymentRollupColumns(kind),
      deploymentRollupFrom(knex, kind, keys && finishedOn(keys.days)),
    );
  }
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

/** Rebuilds the change histogram from the changes' columns, set-based. */
async function rebuildChangeRollups(knex: Knex): Promise<void> {
  const table = 'dora_rollup_change_days';
  await knex(table).delete();
  const day = dayOf('c.deployed_at');
  const insert = async (
    kind: 'org' | 'owner',
    metric: ChangeMetric | 'fallback',
    level: number,
    bucketExpr: string,
    notNull: string,
  ) => {
    const ref = kind === 'org' ? `''` : 'c.owner_ref';
    const from = knex('dora_changes as c')
      .whereNotNull('c.deployed_at')
      .whereRaw(notNull)
      // A constant bucket (fallback) is not grouped: GROUP BY 0 means a position.
      .groupByRaw(
        [
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

/**
 * The derived columns and both rollups from the raw rows
 * (DatabaseDoraStore.rebuildRollups).
 */
export async function rebuildRollups(knex: Knex): Promise<void> {
  await refreshChangeValues(knex);
  await refreshDeploymentFlags(knex);
  await rebuildDeploymentRollups(knex);
  await rebuildChangeRollups(knex);
}
