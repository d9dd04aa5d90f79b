/*
 * The environment of the deployment that caused an incident, kept on the
 * incident. With an environment picked, the incident figures count only the
 * incidents caused by a deployment there: joining every incident of the
 * window to its deployment was, at a million deployments, most of a
 * request's time. A deployment's environment never changes once stored, so
 * the copy is set when the incident's link is set and never goes stale.
 */

// @ts-check

// SQLite drops columns by copying the table, which its foreign keys refuse
// unless they are switched off, and that only works outside a transaction:
// this migration manages its own transactions.
exports.config = { transaction: false };

const INDEX = 'dora_incidents_environment_opened_idx';

/** @param {import('knex').Knex} knex */
const isPostgres = knex => String(knex.client.config.client).includes('pg');

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.transaction(async trx => {
    await trx.schema.alterTable('dora_incidents', table => {
      table
        .string('caused_by_environment', 255)
        .nullable()
        .comment(
          'Environment of caused_by_deployment_id (a copy: it never changes)',
        );
    });
    await trx.raw(
      `UPDATE dora_incidents
          SET caused_by_environment = (
            SELECT d.environment FROM dora_deployments d
             WHERE d.id = dora_incidents.caused_by_deployment_id)
        WHERE caused_by_deployment_id IS NOT NULL`,
    );
    // Covering for the counts and the median duration (PostgreSQL carries
    // resolved_at as INCLUDE, SQLite in the key).
    await trx.raw(
      isPostgres(trx)
        ? `CREATE INDEX ${INDEX} ON dora_incidents (caused_by_environment, opened_at)
             INCLUDE (resolved_at) WHERE caused_by_environment IS NOT NULL`
        : `CREATE INDEX ${INDEX} ON dora_incidents (caused_by_environment, opened_at, resolved_at)
             WHERE caused_by_environment IS NOT NULL`,
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const sqlite = !isPostgres(knex);
  if (sqlite) await knex.raw('PRAGMA foreign_keys = OFF');
  try {
    await knex.transaction(async trx => {
      await trx.raw(`DROP INDEX ${INDEX}`);
      await trx.schema.alterTable('dora_incidents', table => {
        table.dropColumn('caused_by_environment');
      });
    });
  } finally {
    if (sqlite) await knex.raw('PRAGMA foreign_keys = ON');
  }
};
