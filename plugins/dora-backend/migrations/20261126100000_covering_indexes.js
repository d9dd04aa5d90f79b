/*
 * Covering indexes for the metrics' read path. A percentile look-up reads the
 * durations of one histogram bucket in a window, and the window histograms
 * read counts: with the value (or count) in the index, PostgreSQL answers
 * from the index alone instead of fetching one table page per row, which at
 * millions of changes was most of the time of a request.
 *
 * PostgreSQL carries the extra columns as INCLUDE (not part of the key);
 * SQLite appends them to the key, which covers the same queries.
 */

// @ts-check

const { CHANGE_METRICS } = require('./shared/rollups');

/**
 * @typedef {{ table: string, name: string, keys: string[], include: string[] }} IndexSpec
 */

/** @type {IndexSpec[]} */
const COVERING = [
  ...CHANGE_METRICS.flatMap(m => [
    {
      table: 'dora_changes',
      name: `dora_changes_${m}_bucket_idx`,
      keys: [`${m}_bucket`, 'deployed_at'],
      include: [`${m}_ms`],
    },
    {
      table: 'dora_changes',
      name: `dora_changes_owner_${m}_bucket_idx`,
      keys: ['owner_ref', `${m}_bucket`, 'deployed_at'],
      include: [`${m}_ms`],
    },
  ]),
  {
    table: 'dora_changes',
    name: 'dora_changes_service_deployed_idx',
    keys: ['service_ref', 'deployed_at'],
    include: [...CHANGE_METRICS.map(m => `${m}_ms`), 'fallback'],
  },
  ...[
    ['dora_incidents_opened_idx', []],
    ['dora_incidents_owner_opened_idx', ['owner_ref']],
    ['dora_incidents_service_opened_idx', ['service_ref']],
  ].map(([name, scope]) => ({
    table: 'dora_incidents',
    name: /** @type {string} */ (name),
    keys: [...scope, 'opened_at'],
    include: ['resolved_at'],
  })),
  {
    table: 'dora_rollup_change_days',
    name: 'dora_rollup_change_days_window_idx',
    keys: ['scope_kind', 'scope_ref', 'level', 'day'],
    include: ['metric', 'bucket', 'n'],
  },
];

/** Before: the same keys without the covered columns (for down). */
/** @type {IndexSpec[]} */
const PREVIOUS = COVERING.map(spec => ({ ...spec, include: [] }));

/** @param {import('knex').Knex} knex */
const isPostgres = knex => String(knex.client.config.client).includes('pg');

/**
 * @param {import('knex').Knex} knex
 * @param {IndexSpec} spec
 */
async function createIndex(knex, spec) {
  const pg = isPostgres(knex);
  const keys = pg ? spec.keys : [...spec.keys, ...spec.include];
  const include =
    pg && spec.include.length ? ` INCLUDE (${spec.include.join(', ')})` : '';
  await knex.raw(
    `CREATE INDEX ${spec.name} ON ${spec.table} (${keys.join(', ')})${include}`,
  );
}

/**
 * @param {import('knex').Knex} knex
 * @param {IndexSpec[]} specs
 */
async function replaceIndexes(knex, specs) {
  for (const spec of specs) {
    await knex.raw(`DROP INDEX ${spec.name}`);
    await createIndex(knex, spec);
  }
}

/**
 * The fine look-ups of the organisation read the rollup's primary key over
 * a bucket and day range: on PostgreSQL the key carries the count too.
 * @param {import('knex').Knex} knex
 * @param {boolean} withCount
 */
async function rollupPrimaryKey(knex, withCount) {
  if (!isPostgres(knex)) return;
  await knex.raw(
    `ALTER TABLE dora_rollup_change_days DROP CONSTRAINT dora_rollup_change_days_pkey`,
  );
  await knex.raw(
    `ALTER TABLE dora_rollup_change_days ADD CONSTRAINT dora_rollup_change_days_pkey
       PRIMARY KEY (scope_kind, scope_ref, metric, level, bucket, day)${
         withCount ? ' INCLUDE (n)' : ''
       }`,
  );
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await replaceIndexes(knex, COVERING);
  await rollupPrimaryKey(knex, true);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await rollupPrimaryKey(knex, false);
  await replaceIndexes(knex, PREVIOUS);
};
