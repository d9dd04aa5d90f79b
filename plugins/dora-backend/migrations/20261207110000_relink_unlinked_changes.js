/*
 * Changes that concurrent batches left unlinked before ingestion took
 * per-service locks (a change and the deployment shipping it, stored at the
 * same moment in two requests, each blind to the other) stay unlinked for
 * good: nothing relinks a stored change later. This asks the store to
 * relink them at its next start (dora_pending_backfills, 'relink-changes':
 * runtime code; a migration must not import code that may change).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex('dora_pending_backfills').insert({ name: 'relink-changes' });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex('dora_pending_backfills').where('name', 'relink-changes').delete();
};
