/*
 * Days whose deployment rollups are stale. Ingestion appends a row per day it
 * touched (no unique key, so concurrent batches never wait on each other);
 * the metrics read path and rebuilds recompute those days and delete the rows.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_rollup_dirty_days', table => {
    table.comment('UTC days whose deployment rollups must be recomputed');
    table.bigIncrements('id').comment('Row id');
    table.integer('day').notNullable().comment('UTC day (epoch ms / 86400000)');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_rollup_dirty_days');
};
