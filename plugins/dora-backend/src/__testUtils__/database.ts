import { Knex } from 'knex';
import { DatabaseDoraStore } from '../database/DatabaseDoraStore';
import { scopes } from './history';
import { referenceSummary } from './reference';

/** A row as a test reads it back: its columns vary by query. */
type Row = Record<string, any>;

/**
 * Rows with PostgreSQL's bigint strings and booleans as numbers, so that
 * both databases' rows compare equal. Text is kept: every string, or with
 * `textColumns` only those columns (the others are numbers stored as text).
 */
export function comparableRows(
  rows: Row[],
  textColumns?: ReadonlySet<string>,
): Row[] {
  const isText = (column: string, value: unknown) =>
    textColumns ? textColumns.has(column) : typeof value === 'string';
  return rows.map(row =>
    Object.fromEntries(
      Object.entries(row).map(([column, value]) => [
        column,
        value === null || isText(column, value) ? value : Number(value),
      ]),
    ),
  );
}

/** Runs `run` over `items`, `width` at a time, as concurrent requests. */
export async function inFlight<T>(
  items: T[],
  width: number,
  run: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        await run(items[next++]);
      }
    }),
  );
}

/**
 * Every figure the store gives, weekly trend included, equals the
 * reference's on the same rows: for each window, each scope of the
 * generated history and each target (undefined: the default). `context` is
 * shown beside the filter when they differ.
 */
export async function expectReferenceFigures(
  knex: Knex,
  store: DatabaseDoraStore,
  options: {
    windows: Array<{ from: number; to: number }>;
    environments: Array<string | undefined>;
    context?: Row;
  },
): Promise<void> {
  const context = options.context ?? {};
  for (const window of options.windows) {
    for (const scope of scopes) {
      for (const environment of options.environments) {
        const filter = { ...window, ...scope, environment };
        expect({
          ...context,
          filter,
          figures: await store.summary(filter, { weekly: true }),
        }).toEqual({
          ...context,
          filter,
          figures: await referenceSummary(knex, {
            ...window,
            serviceRef: scope.serviceRefs?.[0],
            ownerRefs: scope.ownerRefs,
            environment,
            weekly: true,
          }),
        });
      }
    }
  }
}
