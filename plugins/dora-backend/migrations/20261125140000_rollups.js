/*
 * Rollups for the metrics' fast path: failure flags and recovery on each
 * deployment, durations and their buckets on each change, per-day counts of
 * deployments and a per-day histogram of change durations. Backfilled here
 * from the raw rows, so an upgraded install keeps its history.
 */

// @ts-check

const { CHANGE_METRICS, rebuildRollups } = require('./shared/rollups');

// SQLite drops columns by copying the table, which its foreign keys refuse
// unless they are switched off, and that only works outside a transaction:
// this migration manages its own transactions.
exports.config = { transaction: false };

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.transaction(trx => upInTransaction(trx));
};

/**
 * @param {import('knex').Knex} knex
 */
async function upInTransaction(knex) {
  await knex.schema.alterTable('dora_deployments', table => {
    for (const reason of ['incident', 'rollback', 'hotfix']) {
      table
        .integer(`failed_by_${reason}`)
        .notNullable()
        .defaultTo(0)
        .comment(`1 when a successful production deployment failed: ${reason}`);
    }
    table
      .bigInteger('recovered_at')
      .nullable()
      .comment(
        'Epoch ms a failed deployment recovered (null: not failed or not yet)',
      );
    table
      .bigInteger('recovery_ms')
      .nullable()
      .comment('recovered_at - finished_at (at least 0)');
  });
  await knex.schema.alterTable('dora_deployments', table => {
    const recovered = { predicate: knex.whereNotNull('recovery_ms') };
    table.index(
      ['finished_at', 'recovery_ms'],
      'dora_deployments_recovery_idx',
      recovered,
    );
    table.index(
      ['owner_ref', 'finished_at', 'recovery_ms'],
      'dora_deployments_owner_recovery_idx',
      recovered,
    );
    table.index(
      ['service_ref', 'finished_at', 'recovery_ms'],
      'dora_deployments_service_recovery_idx',
      recovered,
    );
  });

  await knex.schema.alterTable('dora_changes', table => {
    table
      .integer('fallback')
      .notNullable()
      .defaultTo(0)
      .comment(
        '1 when deployed and lead time starts at PR open (squash merge)',
      );
    for (const m of CHANGE_METRICS) {
      table
        .bigInteger(`${m}_ms`)
        .nullable()
        .comment(
          `Duration of the ${m} figure in ms, null when not deployed or unknown`,
        );
      table
        .integer(`${m}_bucket`)
        .nullable()
        .comment(
          `Fine histogram bucket of ${m}_ms (coarse bucket = fine / 64)`,
        );
    }
  });
  await knex.schema.alterTable('dora_changes', table => {
    for (const m of CHANGE_METRICS) {
      table.index(
        [`${m}_bucket`, 'deployed_at'],
        `dora_changes_${m}_bucket_idx`,
      );
      table.index(
        ['owner_ref', `${m}_bucket`, 'deployed_at'],
        `dora_changes_owner_${m}_bucket_idx`,
      );
    }
  });

  await knex.schema.createTable('dora_rollup_deployment_days', table => {
    table.comment(
      'Successful production deployments per scope and UTC day (counts add up across days)',
    );
    table
      .string('scope_kind', 16)
      .notNullable()
      .comment('org | owner | service');
    table
      .string('scope_ref', 255)
      .notNullable()
      .comment("Owner or service entity ref; '' for org");
    table.integer('day').notNullable().comment('UTC day: epoch ms / 86400000');
    table.integer('deployments').notNullable().comment('Deployments');
    table
      .integer('unplanned')
      .notNullable()
      .comment('Hotfix or rollback deployments');
    table
      .integer('failed')
      .notNullable()
      .comment('Deployments that needed intervention');
    table
      .integer('by_incident')
      .notNullable()
      .comment('Failed: linked incident');
    table.integer('by_rollback').notNullable().comment('Failed: rolled back');
    table.integer('by_hotfix').notNullable().comment('Failed: hotfixed');
    table.integer('recovered').notNullable().comment('Failed and recovered');
    table.primary(['scope_kind', 'scope_ref', 'day']);
  });

  await knex.schema.createTable('dora_rollup_change_days', table => {
    table.comment(
      'Histogram of deployed changes per scope, duration metric, bucket and UTC day of deployment',
    );
    table.string('scope_kind', 16).notNullable().comment('org | owner');
    table
      .string('scope_ref', 255)
      .notNullable()
      .comment("Owner entity ref (at deploy time); '' for org");
    table
      .string('metric', 16)
      .notNullable()
      .comment(
        'lead | coding | review | waiting; fallback = squash merges measured from PR open',
      );
    table
      .integer('level')
      .notNullable()
      .comment('0: coarse bucket (octave), 1: fine bucket (org only)');
    table.integer('bucket').notNullable().comment('Bucket at that level');
    table.integer('day').notNullable().comment('UTC day: epoch ms / 86400000');
    table.integer('n').notNullable().comment('Changes');
    // Fine look-ups: one metric, a bucket range, a day range.
    table.primary([
      'scope_kind',
      'scope_ref',
      'metric',
      'level',
      'bucket',
      'day',
    ]);
    // Window histograms: every metric's octaves over a day range.
    table.index(
      ['scope_kind', 'scope_ref', 'level', 'day'],
      'dora_rollup_change_days_window_idx',
    );
  });

  await rebuildRollups(knex);
}

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const sqlite = String(knex.client.config.client).includes('sqlite');
  if (sqlite) await knex.raw('PRAGMA foreign_keys = OFF');
  try {
    await knex.transaction(trx => downInTransaction(trx));
  } finally {
    if (sqlite) await knex.raw('PRAGMA foreign_keys = ON');
  }
};

/**
 * @param {import('knex').Knex} knex
 */
async function downInTransaction(knex) {
  await knex.schema.dropTable('dora_rollup_change_days');
  await knex.schema.dropTable('dora_rollup_deployment_days');
  await knex.schema.alterTable('dora_changes', table => {
    for (const m of CHANGE_METRICS) {
      table.dropIndex([], `dora_changes_${m}_bucket_idx`);
      table.dropIndex([], `dora_changes_owner_${m}_bucket_idx`);
      table.dropColumn(`${m}_ms`);
      table.dropColumn(`${m}_bucket`);
    }
    table.dropColumn('fallback');
  });
  await knex.schema.alterTable('dora_deployments', table => {
    table.dropIndex([], 'dora_deployments_recovery_idx');
    table.dropIndex([], 'dora_deployments_owner_recovery_idx');
    table.dropIndex([], 'dora_deployments_service_recovery_idx');
    for (const c of [
      'failed_by_incident',
      'failed_by_rollback',
      'failed_by_hotfix',
      'recovered_at',
      'recovery_ms',
    ]) {
      table.dropColumn(c);
    }
  });
}
