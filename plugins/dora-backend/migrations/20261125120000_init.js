/*
 * DORA metrics schema. Timestamps are stored as bigint milliseconds since the
 * Unix epoch (UTC) so that duration arithmetic and bucketing are the same SQL
 * on PostgreSQL and SQLite.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_deployments', table => {
    table.comment('Finished deployments of catalog components');
    table.bigIncrements('id').comment('Surrogate id');
    table
      .string('idempotency_key', 255)
      .notNullable()
      .unique()
      .comment('Client-chosen key; a retried delivery is stored once');
    table
      .string('service_ref', 255)
      .notNullable()
      .comment('Catalog entity ref of the deployed Component');
    table
      .string('owner_ref', 255)
      .nullable()
      .comment('spec.owner of the component at ingestion (deploy) time');
    table.string('environment', 255).notNullable().comment('Environment name');
    table
      .string('environment_tier', 32)
      .notNullable()
      .comment('production | staging | development | other');
    table.string('status', 32).notNullable().comment('success | failure');
    table
      .string('kind', 32)
      .notNullable()
      .defaultTo('regular')
      .comment('regular | hotfix | rollback (hotfix and rollback are rework)');
    table
      .bigInteger('remediates_deployment_id')
      .nullable()
      .references('id')
      .inTable('dora_deployments')
      .comment('For hotfix/rollback: the deployment it fixes (same service)');
    table.bigInteger('started_at').nullable().comment('Epoch ms');
    table.bigInteger('finished_at').notNullable().comment('Epoch ms');
    table.string('commit_sha', 64).nullable().comment('Deployed head commit');
    table.string('source', 64).notNullable().comment('api | github | ...');
    table
      .string('external_id', 255)
      .nullable()
      .comment('Id in the source system');
    table
      .bigInteger('created_at')
      .notNullable()
      .comment('Epoch ms of ingestion');
    table.index(
      ['environment_tier', 'finished_at'],
      'dora_deployments_tier_finished_idx',
    );
    table.index(
      ['service_ref', 'environment_tier', 'finished_at'],
      'dora_deployments_service_tier_finished_idx',
    );
    table.index(
      ['owner_ref', 'environment_tier', 'finished_at'],
      'dora_deployments_owner_tier_finished_idx',
    );
    table.index(
      ['remediates_deployment_id'],
      'dora_deployments_remediates_idx',
    );
    table.index(
      ['service_ref', 'external_id'],
      'dora_deployments_service_external_idx',
    );
  });

  await knex.schema.createTable('dora_deployment_commits', table => {
    table.comment(
      'Commits contained in a deployment (head and listed commits)',
    );
    table
      .bigInteger('deployment_id')
      .notNullable()
      .references('id')
      .inTable('dora_deployments')
      .onDelete('CASCADE')
      .comment('The deployment');
    table
      .string('service_ref', 255)
      .notNullable()
      .comment('Denormalized service of the deployment');
    table.string('commit_sha', 64).notNullable().comment('Commit shipped');
    table.primary(['deployment_id', 'commit_sha']);
    table.index(
      ['service_ref', 'commit_sha'],
      'dora_deployment_commits_sha_idx',
    );
  });

  await knex.schema.createTable('dora_changes', table => {
    table.comment('Commits (and their pull requests) on the way to production');
    table.bigIncrements('id').comment('Surrogate id');
    table
      .string('idempotency_key', 255)
      .notNullable()
      .unique()
      .comment('Client-chosen key; a retried delivery is stored once');
    table
      .string('service_ref', 255)
      .notNullable()
      .comment('Catalog entity ref');
    table.string('commit_sha', 64).notNullable().comment('Commit sha');
    table.integer('pr_number').nullable().comment('Pull request number');
    table
      .bigInteger('authored_at')
      .notNullable()
      .comment('Epoch ms, commit authored');
    table
      .bigInteger('first_pushed_at')
      .nullable()
      .comment('Epoch ms, first push seen');
    table.bigInteger('pr_opened_at').nullable().comment('Epoch ms, PR opened');
    table.bigInteger('merged_at').nullable().comment('Epoch ms, PR merged');
    table
      .boolean('squash_merge')
      .notNullable()
      .defaultTo(false)
      .comment(
        'Squash/merge commit hiding branch commits: lead time starts at PR open',
      );
    table
      .bigInteger('deployment_id')
      .nullable()
      .references('id')
      .inTable('dora_deployments')
      .comment('First successful production deployment that shipped it');
    table
      .bigInteger('deployed_at')
      .nullable()
      .comment('Epoch ms, finish of that deployment (denormalized)');
    table
      .string('owner_ref', 255)
      .nullable()
      .comment('Owner recorded on that deployment (denormalized)');
    table.string('source', 64).notNullable().comment('api | github | ...');
    table
      .bigInteger('created_at')
      .notNullable()
      .comment('Epoch ms of ingestion');
    table.unique(['service_ref', 'commit_sha'], {
      indexName: 'dora_changes_service_sha_uniq',
    });
    table.index(['deployed_at'], 'dora_changes_deployed_idx');
    table.index(
      ['owner_ref', 'deployed_at'],
      'dora_changes_owner_deployed_idx',
    );
    table.index(
      ['service_ref', 'deployed_at'],
      'dora_changes_service_deployed_idx',
    );
  });

  await knex.schema.createTable('dora_incidents', table => {
    table.comment('Production incidents of catalog components');
    table.bigIncrements('id').comment('Surrogate id');
    table
      .string('idempotency_key', 255)
      .notNullable()
      .unique()
      .comment('Key of the first delivery that created it');
    table
      .string('service_ref', 255)
      .notNullable()
      .comment('Catalog entity ref');
    table
      .string('owner_ref', 255)
      .nullable()
      .comment('spec.owner of the component at ingestion time');
    table.bigInteger('opened_at').notNullable().comment('Epoch ms');
    table
      .bigInteger('resolved_at')
      .nullable()
      .comment('Epoch ms, null while open');
    table
      .bigInteger('caused_by_deployment_id')
      .nullable()
      .references('id')
      .inTable('dora_deployments')
      .comment('Deployment that caused it (same service only)');
    table
      .string('link_method', 32)
      .notNullable()
      .comment('explicit | rollback | window | none');
    table
      .string('external_id', 255)
      .nullable()
      .comment('Id in the source system');
    table.string('title', 1024).nullable().comment('Human title');
    table.string('source', 64).notNullable().comment('api | pagerduty | ...');
    table
      .bigInteger('created_at')
      .notNullable()
      .comment('Epoch ms of ingestion');
    table.index(
      ['service_ref', 'opened_at'],
      'dora_incidents_service_opened_idx',
    );
    table.index(['owner_ref', 'opened_at'], 'dora_incidents_owner_opened_idx');
    table.index(['opened_at'], 'dora_incidents_opened_idx');
    table.index(['caused_by_deployment_id'], 'dora_incidents_caused_by_idx');
    table.index(
      ['service_ref', 'external_id'],
      'dora_incidents_service_external_idx',
    );
  });

  await knex.schema.createTable('dora_webhook_deliveries', table => {
    table.comment('Webhook deliveries seen, to drop replays');
    table
      .string('delivery_id', 255)
      .primary()
      .comment('X-GitHub-Delivery header');
    table.string('event', 64).notNullable().comment('X-GitHub-Event header');
    table.bigInteger('received_at').notNullable().comment('Epoch ms');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_webhook_deliveries');
  await knex.schema.dropTable('dora_incidents');
  await knex.schema.dropTable('dora_changes');
  await knex.schema.dropTable('dora_deployment_commits');
  await knex.schema.dropTable('dora_deployments');
};
