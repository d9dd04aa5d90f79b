/*
 * Cursors of the GitHub backfill, so an interrupted run resumes where it
 * stopped and a finished one only fetches what is new.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_backfill_cursors', table => {
    table.comment(
      'Progress of the GitHub backfill per repository and resource',
    );
    table.string('repo', 255).notNullable().comment('owner/name on GitHub');
    table.string('resource', 32).notNullable().comment('deployments | pulls');
    table
      .bigInteger('since')
      .nullable()
      .comment('Epoch ms: items older than this were fully processed');
    table
      .integer('next_page')
      .nullable()
      .comment('Page to fetch next in an unfinished pass; null when none');
    table
      .bigInteger('pass_newest')
      .nullable()
      .comment('Epoch ms of the newest item seen in the current pass');
    table.bigInteger('updated_at').notNullable().comment('Epoch ms');
    table.primary(['repo', 'resource']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_backfill_cursors');
};
