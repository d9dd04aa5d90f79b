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

/**
 * Bound values per statement of the ingestion path: below SQLite's limit
 * (32,766) and PostgreSQL's (65,535), so a batch of 500 events is one
 * statement per table.
 */
export const MAX_BINDINGS = 30_000;

/**
 * knex writes a multi-row INSERT on SQLite as `SELECT … UNION ALL SELECT …`,
 * and SQLite refuses a compound SELECT of more than 500 terms.
 */
const SQLITE_MAX_INSERT_ROWS = 500;

/** Rows of `columns` values each that fit in one statement. */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.floor(MAX_BINDINGS / Math.max(1, columns)));
}

/** Rows of `columns` values each that one knex INSERT on `knex` may hold. */
export function rowsPerInsert(knex: Knex, columns: number): number {
  const rows = rowsPerStatement(columns);
  return isPostgres(knex) ? rows : Math.min(rows, SQLITE_MAX_INSERT_ROWS);
}

/** A PostgreSQL array literal of `values`, bound as one value. */
export function pgArray(values: Array<string | number>): string {
  return `{${values
    .map(v =>
      typeof v === 'number' ? String(v) : `"${v.replace(/[\\"]/g, '\\$&')}"`,
    )
    .join(',')}}`;
}

/**
 * Narrows `q` to rows whose `column` is one of `values`. On PostgreSQL the
 * list is one bound array (`= ANY`, which the index takes like an IN
 * list): a batch's 500 keys as 500 placeholders cost more to send and
 * parse than the read itself.
 */
export function whereInList(
  q: Knex.QueryBuilder,
  column: string,
  values: Array<string | number>,
  type: 'text' | 'bigint' = 'text',
): Knex.QueryBuilder {
  const { client } = q as unknown as { client: Knex.Client };
  if (client.config.client !== 'pg') {
    return q.whereIn(column, values);
  }
  return q.whereRaw(`?? = ANY(?::${type}[])`, [column, pgArray(values)]);
}

/**
 * INSERTs rows (objects with the same keys) in as few statements as the
 * bound-value limit allows; with `returning`, the inserted rows' columns.
 * On PostgreSQL the rows are one bound value, JSON read with the table's
 * own row type (json_populate_recordset): half the time of a VALUES list
 * of 500 rows, whose thousands of placeholders PostgreSQL parses and
 * types one by one. Rows are inserted in the order given.
 */
export async function insertRows<R = unknown>(
  trx: Knex.Transaction,
  table: string,
  rows: object[],
  returning?: string[],
): Promise<R[]> {
  const out: R[] = [];
  if (!rows.length) return out;
  const columns = Object.keys(rows[0]);
  const asJson =
    isPostgres(trx) &&
    rows.every(r =>
      Object.values(r).every(
        v =>
          v !== undefined && (typeof v !== 'number' || Number.isSafeInteger(v)),
      ),
    );
  if (asJson) {
    const list = columns.join(', ');
    for (const part of chunks(rows, 5_000)) {
      const result = await trx.raw(
        `INSERT INTO ${table} (${list})
         SELECT ${list} FROM json_populate_recordset(NULL::${table}, ?::json)${
          returning ? ` RETURNING ${returning.join(', ')}` : ''
        }`,
        [JSON.stringify(part)],
      );
      if (returning) out.push(...(result.rows as R[]));
    }
    return out;
  }
  const size = rowsPerInsert(trx, columns.length);
  for (const part of chunks(rows, size)) {
    if (returning) {
      out.push(
        ...((await trx(table).insert(part).returning(returning)) as R[]),
      );
    } else {
      await trx(table).insert(part);
    }
  }
  return out;
}

/**
 * Reads the rows of `table` (which has service_ref and commit_sha) of the
 * given commits of each service, each a read by key on (service_ref,
 * commit_sha).
 *
 * PostgreSQL: one statement, a look-up per (service, commit) pair (a
 * LATERAL subquery that OFFSET 0 keeps from being flattened). As
 * `service_ref = ? AND commit_sha IN (...)`, on the fresh tables of a new
 * install (no statistics: a service estimated at a few rows) it was
 * planned as a scan of every row of the service, filtered.
 * SQLite: a SELECT per service with an IN list, joined with UNION ALL.
 */
export async function selectByCommits<R>(
  trx: Knex.Transaction,
  table: string,
  commits: Map<string, Iterable<string>>,
  columns: string[],
): Promise<R[]> {
  const pairs: Array<[string, string]> = [];
  for (const [service, shas] of commits) {
    for (const sha of new Set(shas)) pairs.push([service, sha]);
  }
  const out: R[] = [];
  if (!pairs.length) return out;
  if (isPostgres(trx)) {
    const list = columns.map(c => (c === '*' ? 't.*' : `t.${c}`)).join(', ');
    for (const part of chunks(pairs, 10_000)) {
      const result = await trx.raw(
        `SELECT ${list}
           FROM unnest(?::text[], ?::text[]) AS k(service_ref, commit_sha)
          CROSS JOIN LATERAL (
            SELECT * FROM ${table} t
             WHERE t.service_ref = k.service_ref AND t.commit_sha = k.commit_sha
            OFFSET 0) t`,
        [pgArray(part.map(([s]) => s)), pgArray(part.map(([, c]) => c))],
      );
      out.push(...(result.rows as R[]));
    }
    return out;
  }
  const byService = new Map<string, string[]>();
  for (const [service, sha] of pairs) {
    if (!byService.has(service)) byService.set(service, []);
    byService.get(service)!.push(sha);
  }
  const parts: Array<{ service: string; shas: string[] }> = [];
  for (const [service, shas] of byService) {
    for (const part of chunks(shas, MAX_BINDINGS - 1)) {
      parts.push({ service, shas: part });
    }
  }
  let statement: Array<{ service: string; shas: string[] }> = [];
  let bindings = 0;
  const flush = async () => {
    if (!statement.length) return;
    const [first, ...rest] = statement.map(({ service, shas }) =>
      trx(table)
        .select(columns)
        .where('service_ref', service)
        .whereIn('commit_sha', shas),
    );
    if (rest.length) first.unionAll(rest);
    out.push(...((await first) as R[]));
    statement = [];
    bindings = 0;
  };
  for (const part of parts) {
    if (bindings + part.shas.length + 1 > MAX_BINDINGS) await flush();
    statement.push(part);
    bindings += part.shas.length + 1;
  }
  await flush();
  return out;
}
