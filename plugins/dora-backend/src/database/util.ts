import { Knex } from 'knex';

/** Rows per INSERT and values per IN list; well below SQLite's variable limit. */
export const CHUNK = 200;

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/**
 * PostgreSQL (advisory locks, percentile_cont); otherwise SQLite. A
 * transaction shares its client's config.
 */
export function isPostgres(knex: Knex): boolean {
  return knex.client.config.client === 'pg';
}

/** INSERTs rows `size` at a time. */
export async function insertInChunks(
  trx: Knex.Transaction,
  table: string,
  rows: object[],
  size: number,
) {
  for (const part of chunks(rows, size)) {
    await trx(table).insert(part);
  }
}
