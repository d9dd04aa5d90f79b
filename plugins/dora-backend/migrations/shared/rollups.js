/*
 * FROZEN: the rollup SQL as the migrations of 2026-11-25 and 2026-11-26 ran
 * it (they backfill an upgraded install with it). Never change it: a
 * migration that already ran must do the same on the next install. The
 * store's runtime rollups are in src/database/operations/rollups/; a later
 * change to them that needs a backfill brings its own migration (and its
 * own copy). (Comments may follow the code; the SQL may not.)
 *
 * Everything here is integer SQL that PostgreSQL and SQLite evaluate the same
 * way, so the rollups are identical on both databases.
 */

// @ts-check

const DAY_MS = 86_400_000;
/** Fine buckets per octave (power of two) of a duration in ms. */
const SUB_BUCKETS = 64;
/** Octaves covered: durations up to 2^41 ms (about 70 years). */
const OCTAVES = 41;

/** Duration metrics of a change, each with a value and a bucket column. */
const CHANGE_METRICS = ['lead', 'coding', 'review', 'waiting'];

/**
 * Fine bucket of a duration, in SQL over an integer expression: 0 for 0 ms,
 * else (octave + 1) * 64 + position within the octave (integer arithmetic,
 * the same on both databases). Monotonic in the value; coarse bucket =
 * fine / 64. A binary search over the octaves, so a row evaluates the
 * expression about eight times.
 * @param {string} v
 */
function bucketSql(v) {
  /** @type {(lo: number, hi: number) => string} */
  const octaves = (lo, hi) => {
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

/**
 * max(0, a - b) for non-null a and b.
 * @param {string} a
 * @param {string} b
 */
const nonNegative = (a, b) =>
  `(CASE WHEN ${a} < ${b} THEN 0 ELSE ${a} - ${b} END)`;

/**
 * Durations of a change (columns of dora_changes, unqualified), null when the
 * change is not deployed or the stage is unknown. Same definitions as
 * leadTimeOf in src/lib/figures.ts.
 */
const FALLBACK = `(squash_merge AND pr_opened_at IS NOT NULL)`;
/** @type {Record<string, string>} */
const CHANGE_VALUE_SQL = {
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
 * @param {import('knex').Knex} knex
 * @param {(q: import('knex').Knex.QueryBuilder) => void} [where]
 */
async function refreshChangeValues(knex, where) {
  /** @type {Record<string, any>} */
  const set = {
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

/**
 * INSERT INTO table (columns) SELECT expressions FROM ..., on both databases.
 * @param {import('knex').Knex} knex
 * @param {string} table
 * @param {Array<[string, string]>} columns name and SQL expression
 * @param {import('knex').Knex.QueryBuilder} from the FROM/WHERE/GROUP BY part
 */
async function insertSelect(knex, table, columns, from) {
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
/** @param {string} kind */
const HAS_REMEDY = kind =>
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
 * @param {import('knex').Knex} knex
 * @param {(q: import('knex').Knex.QueryBuilder) => void} [where]
 */
async function refreshDeploymentFlags(knex, where) {
  /** @param {string} cond */
  const flag = cond =>
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

/**
 * Columns of dora_rollup_deployment_days over dora_deployments d.
 * @param {string} kind
 * @param {string} ref
 * @param {string} day
 * @returns {Array<[string, string]>}
 */
const deploymentRollupColumns = (kind, ref, day) => [
  ['scope_kind', `'${kind}'`],
  ['scope_ref', ref],
  ['day', day],
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

/** @param {'org' | 'owner' | 'service'} kind */
const scopeRef = kind =>
  ({ org: `''`, owner: 'd.owner_ref', service: 'd.service_ref' }[kind]);
/** @param {string} column */
const dayOf = column => `CAST(${column} / ${DAY_MS} AS INTEGER)`;

/**
 * The deployment rollup rows of the successful production deployments
 * `where` selects, per scope and UTC day.
 * @param {import('knex').Knex} knex
 * @param {'org' | 'owner' | 'service'} kind
 * @param {(q: import('knex').Knex.QueryBuilder) => void} [where]
 */
function deploymentRollupFrom(knex, kind, where) {
  const ref = scopeRef(kind);
  const day = dayOf('d.finished_at');
  const q = knex('dora_deployments as d')
    .whereRaw(PROD_SUCCESS)
    .groupByRaw(kind === 'org' ? day : `${ref}, ${day}`);
  if (kind === 'owner') q.whereNotNull('d.owner_ref');
  if (where) where(q);
  return q;
}

/**
 * Recomputes the deployment rollups from the flagged deployments: all of
 * them, or every scope of the given days.
 * @param {import('knex').Knex} knex
 * @param {{ days: number[] }} [keys]
 */
async function rebuildDeploymentRollups(knex, keys) {
  const table = 'dora_rollup_deployment_days';
  if (!keys) {
    await knex(table).delete();
  } else {
    if (!keys.days.length) return;
    await knex(table).whereIn('day', keys.days).delete();
  }
  for (const kind of /** @type {const} */ (['org', 'owner', 'service'])) {
    const from = deploymentRollupFrom(knex, kind, q => {
      if (!keys) return;
      q.where(s => {
        for (const day of keys.days) {
          s.orWhereBetween('d.finished_at', [
            day * DAY_MS,
            (day + 1) * DAY_MS - 1,
          ]);
        }
      });
    });
    await insertSelect(
      knex,
      table,
      deploymentRollupColumns(kind, scopeRef(kind), dayOf('d.finished_at')),
      from,
    );
  }
}

/**
 * Histogram rows a change contributes: per scope (organisation; owner at
 * deploy time), metric, level (0 = octave for both, 1 = fine bucket for the
 * organisation only) and UTC day of its deployment. `fallback` counts squash
 * merges measured from PR open.
 * @param {{ deployed_at: unknown, owner_ref: string | null, fallback: unknown } & Record<string, unknown>} row
 */
function changeContributions(row) {
  /** @type {Array<[string, string, string, number, number, number]>} */
  const out = [];
  if (row.deployed_at === null || row.deployed_at === undefined) return out;
  const day = Math.floor(Number(row.deployed_at) / DAY_MS);
  const scopes = [['org', '']];
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
 * Rebuilds the change histogram from the changes' columns, set-based.
 * @param {import('knex').Knex} knex
 */
async function rebuildChangeRollups(knex) {
  const table = 'dora_rollup_change_days';
  await knex(table).delete();
  const day = dayOf('c.deployed_at');
  /**
   * @param {string} kind
   * @param {string} metric
   * @param {number} level
   * @param {string} bucketExpr
   * @param {string} notNull
   */
  const insert = async (kind, metric, level, bucketExpr, notNull) => {
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
  for (const kind of ['org', 'owner']) {
    await insert(kind, 'fallback', 0, '0', 'c.fallback = 1');
    for (const m of CHANGE_METRICS) {
      const notNull = `c.${m}_bucket IS NOT NULL`;
      await insert(kind, m, 0, `c.${m}_bucket / ${SUB_BUCKETS}`, notNull);
      if (kind === 'org') await insert(kind, m, 1, `c.${m}_bucket`, notNull);
    }
  }
}

/**
 * The backfill: derived columns and both rollups from the raw rows. Used by
 * the migration that introduces them and by DatabaseDoraStore.rebuildRollups.
 * @param {import('knex').Knex} knex
 */
async function rebuildRollups(knex) {
  await refreshChangeValues(knex);
  await refreshDeploymentFlags(knex);
  await rebuildDeploymentRollups(knex);
  await rebuildChangeRollups(knex);
}

module.exports = {
  DAY_MS,
  SUB_BUCKETS,
  CHANGE_METRICS,
  bucketSql,
  refreshChangeValues,
  refreshDeploymentFlags,
  rebuildDeploymentRollups,
  changeContributions,
  rebuildRollups,
};
