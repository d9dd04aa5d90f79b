/*
 * Rollbacks inferred from deployment history: a successful production-tier
 * deployment whose event sent no kind, and whose commit was first deployed
 * to its environment before the commit of the deployment live there just
 * before it, is a rollback remediating that deployment (README, "Inferred
 * rollbacks"). `kind` and `remediates_deployment_id` hold what counts,
 * declared or inferred, so every figure reads them as before; two columns
 * say which.
 *
 * Stored rows cannot tell a kind sent as `regular` from one not sent (both
 * were stored as `regular`): the upgrade reads a stored `regular` as not
 * sent, and asks the store to infer the rollbacks of the stored history at
 * its next start (dora_pending_backfills, 'inferred-rollbacks': runtime
 * code; a migration must not import code that may change).
 */

// @ts-check

// SQLite drops columns by copying the table, which its foreign keys refuse
// unless they are switched off, and that only works outside a transaction:
// this migration manages its own transactions.
exports.config = { transaction: false };

/**
 * The histories inference reads (successful production-tier deployments of
 * a service to an environment): by finish, and by commit (when each commit
 * was first deployed there). Partial, so only those deployments are kept.
 * @type {Array<[name: string, keys: string[]]>}
 */
const HISTORY_INDEXES = [
  ['dora_deployments_history_idx', ['finished_at']],
  ['dora_deployments_history_commit_idx', ['commit_sha', 'finished_at']],
];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.transaction(async trx => {
    await trx.schema.alterTable('dora_deployments', table => {
      // Default true: a row written without it (by an older backend during
      // a rolling upgrade) keeps the kind it was given.
      table
        .boolean('kind_declared')
        .notNullable()
        .defaultTo(true)
        .comment(
          'True when the event sent its kind (kept as sent); false: regular unless inferred a rollback',
        );
      table
        .boolean('rollback_inferred')
        .notNullable()
        .defaultTo(false)
        .comment(
          'True when kind (rollback) and remediates_deployment_id were inferred from the deployment history',
        );
    });
    await trx('dora_deployments')
      .where('kind', 'regular')
      .update({ kind_declared: false });
    for (const [name, keys] of HISTORY_INDEXES) {
      await trx.raw(
        `CREATE INDEX ${name} ON dora_deployments
           (${['service_ref', 'environment', ...keys].join(', ')})
         WHERE environment_tier = 'production' AND status = 'success'`,
      );
    }
    await trx('dora_pending_backfills').insert({ name: 'inferred-rollbacks' });
  });
};

/**
 * Inferred rollbacks go back to `regular`, and the store of the previous
 * version is asked to rebuild its derived columns and rollups at its next
 * start ('environment-rollups'), since the failure flags of the deployments
 * they remediated and the rework counts of their days change.
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const sqlite = String(knex.client.config.client).includes('sqlite');
  if (sqlite) await knex.raw('PRAGMA foreign_keys = OFF');
  try {
    await knex.transaction(async trx => {
      await trx('dora_pending_backfills')
        .where('name', 'inferred-rollbacks')
        .delete();
      const reverted = await trx('dora_deployments')
        .where('rollback_inferred', true)
        .update({
          kind: 'regular',
          remediates_deployment_id: null,
          rollback_inferred: false,
        });
      if (
        reverted &&
        !(await trx('dora_pending_backfills')
          .where('name', 'environment-rollups')
          .first())
      ) {
        await trx('dora_pending_backfills').insert({
          name: 'environment-rollups',
        });
      }
      for (const [name] of HISTORY_INDEXES) {
        await trx.raw(`DROP INDEX ${name}`);
      }
      await trx.schema.alterTable('dora_deployments', table => {
        table.dropColumn('rollback_inferred');
        table.dropColumn('kind_declared');
      });
    });
  } finally {
    if (sqlite) await knex.raw('PRAGMA foreign_keys = ON');
  }
};
