// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_check_results', table => {
    table.comment('The current state of each check for each entity');
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('Entity ref, lower case');
    table
      .string('check_id', 128)
      .notNullable()
      .comment('Check id from the checks file');
    table
      .string('state', 32)
      .notNullable()
      .comment('pass|fail|warn|exempt|not_applicable|no_data|error');
    table
      .text('reason')
      .notNullable()
      .comment('Why the check is in this state');
    table
      .text('fact_values')
      .nullable()
      .comment('JSON: fact path to the value the condition read');
    table
      .text('facts')
      .nullable()
      .comment('JSON: fact sources and when they were collected');
    table
      .timestamp('evaluated_at', { useTz: true })
      .notNullable()
      .comment('When the check was last evaluated');
    table
      .timestamp('state_since', { useTz: true })
      .notNullable()
      .comment('When the check entered this state');
    table.primary(['entity_ref', 'check_id']);
  });

  await knex.schema.createTable('scorecard_check_history', table => {
    table.comment('One row each time a check changes state for an entity');
    table.bigIncrements('id').primary().comment('Auto-generated id');
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('Entity ref, lower case');
    table.string('check_id', 128).notNullable().comment('Check id');
    table.string('state', 32).notNullable().comment('The new state');
    table
      .string('previous_state', 32)
      .nullable()
      .comment('The state before, null the first time');
    table
      .text('reason')
      .notNullable()
      .comment('Why the check entered the new state');
    table
      .timestamp('changed_at', { useTz: true })
      .notNullable()
      .comment('When the change was observed');
    table.index(
      ['entity_ref', 'changed_at'],
      'scorecard_check_history_entity_idx',
    );
  });

  await knex.schema.createTable('scorecard_entity_scores', table => {
    table.comment(
      'The current score of each evaluated entity (answers the overview in one query)',
    );
    table
      .string('entity_ref', 512)
      .primary()
      .notNullable()
      .comment('Entity ref, lower case');
    table.string('kind', 255).notNullable().comment('Entity kind, lower case');
    table
      .string('namespace', 255)
      .notNullable()
      .comment('Entity namespace, lower case');
    table.string('name', 255).notNullable().comment('Entity name, lower case');
    table
      .string('title', 512)
      .nullable()
      .comment('metadata.title, for display');
    table
      .string('owner', 512)
      .nullable()
      .comment('Owner entity ref, lower case');
    table
      .double('score')
      .nullable()
      .comment('passed weight / applicable weight, null when nothing applies');
    table.string('level', 128).nullable().comment('Highest level reached');
    table
      .boolean('critical_failing')
      .notNullable()
      .defaultTo(false)
      .comment('A critical check fails');
    table
      .integer('passed_weight')
      .notNullable()
      .comment('Sum of the weights of passing checks');
    table
      .integer('applicable_weight')
      .notNullable()
      .comment('Sum of the weights of passing and failing checks');
    table
      .integer('unknown_weight')
      .notNullable()
      .comment('Sum of the weights of checks with no data or an error');
    table
      .text('failing_checks')
      .notNullable()
      .comment('JSON list of failing check ids');
    table
      .string('entity_hash', 64)
      .nullable()
      .comment('Hash of the entity as last evaluated');
    table
      .timestamp('evaluated_at', { useTz: true })
      .notNullable()
      .comment('When the entity was last evaluated');
    table.index(['owner'], 'scorecard_entity_scores_owner_idx');
    table.index(['score'], 'scorecard_entity_scores_score_idx');
  });

  await knex.schema.createTable('scorecard_score_snapshots', table => {
    table.comment(
      'One score per entity per day (the last evaluation of the day wins)',
    );
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('Entity ref, lower case');
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table
      .double('score')
      .nullable()
      .comment('Score at the last evaluation of the day');
    table
      .string('level', 128)
      .nullable()
      .comment('Level at the last evaluation of the day');
    table
      .boolean('critical_failing')
      .notNullable()
      .defaultTo(false)
      .comment('A critical check failed');
    table
      .timestamp('recorded_at', { useTz: true })
      .notNullable()
      .comment('When the snapshot was last written');
    table.primary(['entity_ref', 'day']);
  });

  await knex.schema.createTable('scorecard_waivers', table => {
    table.comment(
      'Exemptions of one check for one entity, granted through the API',
    );
    table.string('id', 36).primary().notNullable().comment('UUID');
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('Entity ref, lower case');
    table.string('check_id', 128).notNullable().comment('Check id');
    table.text('reason').notNullable().comment('Why the check is waived');
    table
      .string('created_by', 512)
      .notNullable()
      .comment('User entity ref of the approver');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('When the waiver was granted');
    table
      .timestamp('expires_at', { useTz: true })
      .notNullable()
      .comment('When the waiver stops applying');
    table.index(['entity_ref', 'expires_at'], 'scorecard_waivers_entity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_waivers');
  await knex.schema.dropTable('scorecard_score_snapshots');
  await knex.schema.dropTable('scorecard_entity_scores');
  await knex.schema.dropTable('scorecard_check_history');
  await knex.schema.dropTable('scorecard_check_results');
};
