/*
 * The DORA rollups as the store keeps them today: derived columns on the raw
 * rows (changeValues.ts, deploymentFlags.ts, changeEnvironments.ts) and the
 * rollup tables (deploymentRollups.ts, changeRollups.ts). Everything in this
 * folder is integer SQL that PostgreSQL and SQLite evaluate the same way, so
 * the rollups are identical on both databases.
 *
 * The migrations that introduced the rollups run their own frozen copy
 * (migrations/shared/rollups.js): a migration that already ran must not
 * change with today's code.
 */
import { Knex } from 'knex';
import { DAY_MS } from '@internal/paved-road-common';

/** Narrows a query to the rows an operation applies to. */
export type Where = (q: Knex.QueryBuilder) => void;

/** Whose rows a rollup row sums: the organisation, an owner, a service. */
export type RollupScopeKind = 'org' | 'owner' | 'service';

/** max(0, a - b) for non-null a and b. */
export const nonNegative = (a: string, b: string) =>
  `(CASE WHEN ${a} < ${b} THEN 0 ELSE ${a} - ${b} END)`;

/** The UTC day of an epoch-ms column. */
export const dayOf = (column: string) =>
  `CAST(${column} / ${DAY_MS} AS INTEGER)`;

/** A successful production-tier deployment (alias d). */
export const PROD_SUCCESS = `d.environment_tier = 'production' AND d.status = 'success'`;

/** INSERT INTO table (columns) SELECT expressions FROM ..., on both databases. */
export async function insertSelect(
  knex: Knex,
  table: string,
  columns: Array<[name: string, expression: string]>,
  from: Knex.QueryBuilder,
) {
  const { sql, bindings } = from
    .select(knex.raw(columns.map(([, expr]) => expr).join(', ')))
    .toSQL();
  await knex.raw(
    `INSERT INTO ${table} (${columns.map(([name]) => name).join(', ')}) ${sql}`,
    bindings,
  );
}
