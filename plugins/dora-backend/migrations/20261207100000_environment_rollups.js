/*
 * Rollups for a picked environment, so that `environment=<name>` is served
 * like the default target: each change's first successful deployment per
 * environment (with its durations and buckets), each deployment's failure
 * flags and recovery within its own environment, and per-environment day
 * rollups of both kinds.
 *
 * The backfill is not run here: the store runs it at start while
 * `dora_pending_backfills` names it (runtime code; a migration must not
 * import code that may change), in one transaction with deleting the name.
 */

// @ts-check

// SQLite drops columns by copying the table, which its foreign keys refuse
// unless they are switched off, and that only works outside a transaction:
// this migration manages its own transactions.
exports.config = { transaction: false };

const METRICS = ['lead', 'coding', 'review', 'waiting'];
const CHANGE_DAYS_KEY = [
  'environment',
  'scope_kind',
  'scope_ref',
  'metric',
  'level',
  'bucket',
  'day',
];

/** @param {import('knex').Knex} knex */
const isPostgres = knex => String(knex.client.config.client).includes('pg');

/**
 * An index with covered columns: INCLUDE on PostgreSQL, trailing keys on
 * SQLite (as the covering-index migration does).
 * @param {import('knex').Knex} knex
 * @param {string} table
 * @param {string} name
 * @param {string[]} keys
 * @param {string[]} include
 */
async function coveringIndex(knex, table, name, keys, include) {
  const pg = isPostgres(knex);
  const columns = pg ? keys : [...keys, ...include];
  const covered =
    pg && include.length ? ` INCLUDE (${include.join(', ')})` : '';
  await knex.raw(
    `CREATE INDEX ${name} ON ${table} (${columns.join(', ')})${covered}`,
  );
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.transaction(async trx => {
    await trx.schema.alterTable('dora_deployments', table => {
      for (const reason of ['incident', 'rollback', 'hotfix']) {
        table
          .integer(`env_failed_by_${reason}`)
          .notNullable()
          .defaultTo(0)
          .comment(
            `1 when a successful deployment failed (${reason}), remedies counted in its own environment only`,
          );
      }
      table
        .bigInteger('env_recovered_at')
        .nullable()
        .comment('Epoch ms a failed deployment recovered in its environment');
      table
        .bigInteger('env_recovery_ms')
        .nullable()
        .comment('env_recovered_at - finished_at (at least 0)');
    });
    for (const [name, scope] of [
      ['dora_deployments_env_recovery_idx', []],
      ['dora_deployments_env_owner_recovery_idx', ['owner_ref']],
      ['dora_deployments_env_service_recovery_idx', ['service_ref']],
    ]) {
      await trx.raw(
        `CREATE INDEX ${name} ON dora_deployments (${[
          'environment',
          ...scope,
          'finished_at',
          'env_recovery_ms',
        ].join(', ')}) WHERE env_recovery_ms IS NOT NULL`,
      );
    }

    await trx.schema.createTable('dora_change_environments', table => {
      table.comment(
        'First successful deployment of each change to each environment, with its durations',
      );
      table
        .bigInteger('change_id')
        .notNullable()
        .references('id')
        .inTable('dora_changes')
        .onDelete('CASCADE')
        .comment('The change');
      table.string('environment', 255).notNullable().comment('Environment');
      table
        .string('service_ref', 255)
        .notNullable()
        .comment('Service entity ref (of the change)');
      table.string('commit_sha', 64).notNullable().comment('Commit sha');
      table
        .bigInteger('deployment_id')
        .notNullable()
        .references('id')
        .inTable('dora_deployments')
        .onDelete('CASCADE')
        .comment('First successful deployment to the environment');
      table.bigInteger('deployed_at').notNullable().comment('Its finish, ms');
      table
        .string('owner_ref', 255)
        .nullable()
        .comment('Owner of the service at deploy time');
      table.bigInteger('authored_at').notNullable().comment('Copied, ms');
      table.bigInteger('pr_opened_at').nullable().comment('Copied, ms');
      table.bigInteger('merged_at').nullable().comment('Copied, ms');
      table.boolean('squash_merge').notNullable().comment('Copied');
      table
        .integer('fallback')
        .notNullable()
        .defaultTo(0)
        .comment('1 when lead time starts at PR open (squash merge)');
      for (const m of METRICS) {
        table.bigInteger(`${m}_ms`).nullable().comment(`${m} duration, ms`);
        table
          .integer(`${m}_bucket`)
          .nullable()
          .comment(`Fine bucket of ${m}_ms`);
      }
      table.primary(['change_id', 'environment']);
      table.index(
        ['service_ref', 'commit_sha'],
        'dora_change_environments_commit_idx',
      );
    });
    for (const m of METRICS) {
      await coveringIndex(
        trx,
        'dora_change_environments',
        `dora_change_environments_${m}_bucket_idx`,
        ['environment', `${m}_bucket`, 'deployed_at'],
        [`${m}_ms`],
      );
      await coveringIndex(
        trx,
        'dora_change_environments',
        `dora_change_environments_owner_${m}_bucket_idx`,
        ['environment', 'owner_ref', `${m}_bucket`, 'deployed_at'],
        [`${m}_ms`],
      );
    }
    await coveringIndex(
      trx,
      'dora_change_environments',
      'dora_change_environments_service_deployed_idx',
      ['environment', 'service_ref', 'deployed_at'],
      [...METRICS.map(m => `${m}_ms`), 'fallback'],
    );

    await trx.schema.createTable('dora_env_deployment_days', table => {
      table.comment(
        'Successful deployments per environment, scope and UTC day (failures within the environment)',
      );
      table.string('environment', 255).notNullable().comment('Environment');
      table
        .string('scope_kind', 16)
        .notNullable()
        .comment('org | owner | service');
      table
        .string('scope_ref', 255)
        .notNullable()
        .comment("Owner or service entity ref; '' for org");
      table
        .integer('day')
        .notNullable()
        .comment('UTC day: epoch ms / 86400000');
      table.integer('deployments').notNullable().comment('Deployments');
      table.integer('unplanned').notNullable().comment('Hotfix or rollback');
      table.integer('failed').notNullable().comment('Needed intervention');
      table.integer('by_incident').notNullable().comment('Failed: incident');
      table.integer('by_rollback').notNullable().comment('Failed: rolled back');
      table.integer('by_hotfix').notNullable().comment('Failed: hotfixed');
      table.integer('recovered').notNullable().comment('Failed and recovered');
      table.primary(['environment', 'scope_kind', 'scope_ref', 'day']);
    });

    await trx.schema.createTable('dora_env_change_days', table => {
      table.comment(
        'Histogram of changes per environment of their first deployment there, scope, metric, bucket and day',
      );
      table.string('environment', 255).notNullable().comment('Environment');
      table.string('scope_kind', 16).notNullable().comment('org | owner');
      table
        .string('scope_ref', 255)
        .notNullable()
        .comment("Owner entity ref (at deploy time); '' for org");
      table
        .string('metric', 16)
        .notNullable()
        .comment('lead | coding | review | waiting | fallback');
      table.integer('level').notNullable().comment('0: octave, 1: fine (org)');
      table.integer('bucket').notNullable().comment('Bucket at that level');
      table
        .integer('day')
        .notNullable()
        .comment('UTC day: epoch ms / 86400000');
      table.integer('n').notNullable().comment('Changes');
    });
    if (isPostgres(trx)) {
      // The fine look-ups read the key over a bucket and day range: on
      // PostgreSQL the key carries the count too.
      await trx.raw(
        `ALTER TABLE dora_env_change_days ADD CONSTRAINT dora_env_change_days_pkey
           PRIMARY KEY (${CHANGE_DAYS_KEY.join(', ')}) INCLUDE (n)`,
      );
    } else {
      await trx.raw(
        `CREATE UNIQUE INDEX dora_env_change_days_pkey ON dora_env_change_days
           (${CHANGE_DAYS_KEY.join(', ')})`,
      );
    }
    await coveringIndex(
      trx,
      'dora_env_change_days',
      'dora_env_change_days_window_idx',
      ['environment', 'scope_kind', 'scope_ref', 'level', 'day'],
      ['metric', 'bucket', 'n'],
    );

    await trx.schema.createTable('dora_pending_backfills', table => {
      table.comment('Backfills the store runs at start, then deletes');
      table.string('name', 64).primary().comment('Backfill name');
    });
    await trx('dora_pending_backfills').insert({ name: 'environment-rollups' });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const sqlite = String(knex.client.config.client).includes('sqlite');
  if (sqlite) await knex.raw('PRAGMA foreign_keys = OFF');
  try {
    await knex.transaction(async trx => {
      await trx.schema.dropTable('dora_pending_backfills');
      await trx.schema.dropTable('dora_env_change_days');
      await trx.schema.dropTable('dora_env_deployment_days');
      await trx.schema.dropTable('dora_change_environments');
      for (const name of [
        'dora_deployments_env_recovery_idx',
        'dora_deployments_env_owner_recovery_idx',
        'dora_deployments_env_service_recovery_idx',
      ]) {
        await trx.raw(`DROP INDEX ${name}`);
      }
      await trx.schema.alterTable('dora_deployments', table => {
        for (const c of [
          'env_failed_by_incident',
          'env_failed_by_rollback',
          'env_failed_by_hotfix',
          'env_recovered_at',
          'env_recovery_ms',
        ]) {
          table.dropColumn(c);
        }
      });
    });
  } finally {
    if (sqlite) await knex.raw('PRAGMA foreign_keys = ON');
  }
};
