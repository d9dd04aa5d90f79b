/*
 * Exact percentiles from the rollups: the histogram gives the bucket that
 * holds a rank, the changes' bucket index the value at that rank.
 */
import { Knex } from 'knex';
import { DAY_MS } from '@internal/paved-road-common';
import { num } from '../../conversion';
import {
  ChangeMetric,
  SUB_BUCKETS,
} from '../../operations/rollups/changeValues';
import { DbAggregate } from '../../tables';
import { isPostgres, pgArray } from '../../util';
import { rollupRows, SummaryContext, targetChanges } from './context';

/** A histogram: bucket -> count, at one level. */
export type Histogram = Map<number, number>;

/** Ranks and weight of a percentile over n values (as percentile()). */
function ranksOf(n: number, p: number) {
  const pos = (n - 1) * p;
  return {
    lo: Math.floor(pos),
    hi: Math.ceil(pos),
    weight: pos - Math.floor(pos),
  };
}

/**
 * Percentile with linear interpolation between closest ranks over `n`
 * values, given a function returning the value at rank k (and, when it can
 * tell cheaply, at k + 1). Same arithmetic as percentile() in figures.ts.
 */
export async function percentileOf(
  n: number,
  p: number,
  valuesAt: (k: number) => Promise<number[]>,
): Promise<number | null> {
  if (n === 0) return null;
  const { lo, hi, weight } = ranksOf(n, p);
  const values = await valuesAt(lo);
  let high = values[0];
  if (hi !== lo) high = values.length > 1 ? values[1] : (await valuesAt(hi))[0];
  return values[0] + (high - values[0]) * weight;
}

/**
 * Look-ups split in two statements sent at once, alternate parts in each: a
 * statement runs on one core, and the look-ups are most of a request's
 * work. Each part keeps its number (`part`), so the rows' order does not
 * matter. No empty half.
 */
function inHalves<T>(parts: T[]): Array<Array<{ part: number; item: T }>> {
  return [0, 1]
    .map(half =>
      parts
        .map((item, part) => ({ part, item }))
        .filter(({ part }) => part % 2 === half),
    )
    .filter(half => half.length);
}

/**
 * UNION ALL of sub-queries that may have their own ORDER BY/LIMIT (wrapped,
 * for SQLite), in halves (inHalves).
 */
async function unionAll<T>(db: Knex, parts: Knex.QueryBuilder[]): Promise<T[]> {
  const results = await Promise.all(
    inHalves(parts).map(async half => {
      const compiled = half.map(({ item }) => item.toSQL());
      const result = await db.raw(
        compiled
          .map((c, i) => `SELECT * FROM (${c.sql}) AS u${i}`)
          .join(' UNION ALL '),
        compiled.flatMap(c => [...c.bindings]),
      );
      // PostgreSQL answers { rows }, SQLite the rows.
      return (result.rows ?? result) as T[];
    }),
  );
  return results.flat();
}

/**
 * `column IN (low, ..., high)` rather than BETWEEN: an index on (bucket, day)
 * is then searched once per bucket for the day range instead of scanned
 * across every day of every bucket in between.
 */
function bucketsIn(column: string, low: number, high: number): string {
  const buckets = Array.from({ length: high - low + 1 }, (_, i) => low + i);
  return `${column} IN (${buckets.join(', ')})`;
}

/** The bucket holding rank k of a histogram, and k's rank inside it. */
function locate(hist: Histogram, k: number): { bucket: number; rank: number } {
  let before = 0;
  for (const bucket of [...hist.keys()].sort((a, b) => a - b)) {
    const n = hist.get(bucket)!;
    if (k < before + n) return { bucket, rank: k - before };
    before += n;
  }
  throw new Error(`DORA rollups: rank ${k} beyond the histogram's ${before}`);
}

/** The value at rank k (and k + 1 when `pair`) of a metric over [a, b). */
type Request = {
  metric: ChangeMetric;
  a: number;
  b: number;
  hist: Histogram;
  k: number;
  pair: boolean;
};
/** Buckets [low, high] of the change's bucket column and a rank in them. */
type Slice = { low: number; high: number; rank: number };
type Rank = { request: number; slice: Slice };
/** The fine histogram of a metric's octave (from `low`) over whole days. */
type FineKey = { metric: string; fromDay: number; toDay: number; low: number };
type FineCount = { part: DbAggregate; bucket: DbAggregate; n: DbAggregate };

/**
 * Percentiles of change metrics, resolved together. A request asks for
 * the value at rank k, and at k + 1 when the percentile interpolates: the
 * octave comes from the window's histogram, for the organisation the fine
 * bucket from the fine histogram (one query for all), then the values from
 * one query of indexed sub-queries (one per rank, or one for both ranks
 * when they share a bucket).
 */
export class PercentileLookups {
  private readonly requests: Request[] = [];

  constructor(private readonly ctx: SummaryContext) {}

  /** Registers the ranks of a percentile; returns how to compute it later. */
  later(
    metric: ChangeMetric,
    a: number,
    b: number,
    hist: Histogram,
    n: number,
    p: number,
  ): (values: number[][]) => number | null {
    if (n === 0) return () => null;
    const { lo, hi, weight } = ranksOf(n, p);
    const i =
      this.requests.push({ metric, a, b, hist, k: lo, pair: hi !== lo }) - 1;
    return (values: number[][]) => {
      const [low, high = low] = values[i];
      return low + (high - low) * weight;
    };
  }

  /** The values at each request's rank(s), ascending. */
  async resolve(): Promise<number[][]> {
    const { db } = this.ctx;
    const ranks: Rank[] = this.requests.flatMap((r, request) =>
      (r.pair ? [r.k, r.k + 1] : [r.k]).map(k => {
        const { bucket, rank } = locate(r.hist, k);
        const low = bucket * SUB_BUCKETS;
        return { request, slice: { low, high: low + SUB_BUCKETS - 1, rank } };
      }),
    );
    if (this.ctx.scope.kind === 'org') await this.refineToFineBuckets(ranks);
    const lookups: Array<Rank & { limit: number }> = [];
    for (let j = 0; j < ranks.length; j++) {
      const [x, next] = [ranks[j], ranks[j + 1]];
      const shared =
        next?.request === x.request &&
        next.slice.low === x.slice.low &&
        next.slice.high === x.slice.high;
      lookups.push({ ...x, limit: shared ? 2 : 1 });
      if (shared) j++;
    }
    const rows = await unionAll<{ part: DbAggregate; v: DbAggregate }>(
      db,
      lookups.map(({ request, slice, limit }, part) => {
        const { metric, a, b } = this.requests[request];
        return targetChanges(this.ctx)
          .andWhere('c.deployed_at', '>=', a)
          .andWhere('c.deployed_at', '<', b)
          .whereRaw(bucketsIn(`c.${metric}_bucket`, slice.low, slice.high))
          .orderBy(`c.${metric}_ms`)
          .offset(slice.rank)
          .limit(limit)
          .select(db.raw(`${part} AS part`), `c.${metric}_ms as v`);
      }),
    );
    const byLookup = lookups.map(() => [] as number[]);
    for (const r of rows) byLookup[num(r.part)].push(num(r.v));
    const values = this.requests.map(() => [] as number[]);
    lookups.forEach(({ request }, part) =>
      values[request].push(...byLookup[part].sort((x, y) => x - y)),
    );
    return values;
  }

  /** Narrows octave slices to the fine bucket holding each rank. */
  private async refineToFineBuckets(ranks: Rank[]) {
    const fineKey = (x: Rank) => {
      const r = this.requests[x.request];
      return `${r.metric} ${r.a} ${r.b} ${x.slice.low}`;
    };
    const parts = [...new Set(ranks.map(fineKey))];
    const keys = parts.map(key => {
      const [metric, a, b, low] = key.split(' ');
      return {
        metric,
        fromDay: Number(a) / DAY_MS,
        toDay: Number(b) / DAY_MS,
        low: Number(low),
      };
    });
    const rows = isPostgres(this.ctx.db)
      ? await this.fineCountsInDatabase(keys)
      : await this.fineCountsByUnion(keys);
    const fine = keys.map(() => new Map<number, number>());
    for (const r of rows) fine[num(r.part)].set(num(r.bucket), num(r.n));
    for (const x of ranks) {
      const { bucket, rank } = locate(
        fine[parts.indexOf(fineKey(x))],
        x.slice.rank,
      );
      x.slice = { low: bucket, high: bucket, rank };
    }
  }

  /**
   * PostgreSQL: the fine counts of every key in one small statement, a
   * look-up of the rollup's key per (key, fine bucket) driven by arrays.
   * Written as a UNION ALL of parts with 64-value IN lists, planning it
   * took 5-8 ms, as long as running it.
   */
  private async fineCountsInDatabase(keys: FineKey[]): Promise<FineCount[]> {
    const { db, scope, environment, tables } = this.ctx;
    if (scope.kind !== 'org') throw new Error('fine buckets: org only');
    const results = await Promise.all(
      inHalves(keys).map(half =>
        db.raw(
          `SELECT k.part, b.bucket, f.n
             FROM unnest(?::int[], ?::text[], ?::int[], ?::int[], ?::int[])
                    AS k(part, metric, low, from_day, to_day)
            CROSS JOIN LATERAL generate_series(k.low, k.low + ${
              SUB_BUCKETS - 1
            }) AS b(bucket)
            CROSS JOIN LATERAL (
              SELECT SUM(r.n) AS n FROM ${tables.changeDays} r
               WHERE r.scope_kind = 'org' AND r.scope_ref = ''${
                 environment === undefined ? '' : ' AND r.environment = ?'
               }
                 AND r.metric = k.metric AND r.level = 1
                 AND r.bucket = b.bucket
                 AND r.day >= k.from_day AND r.day < k.to_day) f
            WHERE f.n IS NOT NULL`,
          [
            pgArray(half.map(({ part }) => part)),
            pgArray(half.map(({ item }) => item.metric)),
            pgArray(half.map(({ item }) => item.low)),
            pgArray(half.map(({ item }) => item.fromDay)),
            pgArray(half.map(({ item }) => item.toDay)),
            ...(environment === undefined ? [] : [environment]),
          ],
        ),
      ),
    );
    return results.flatMap(result => result.rows as FineCount[]);
  }

  /** SQLite: the fine counts as a UNION ALL of one part per key. */
  private fineCountsByUnion(keys: FineKey[]): Promise<FineCount[]> {
    const { db } = this.ctx;
    return unionAll<FineCount>(
      db,
      keys.map(({ metric, fromDay, toDay, low }, part) =>
        rollupRows(this.ctx, this.ctx.tables.changeDays, fromDay, toDay)
          .where({ metric, level: 1 })
          .whereRaw(bucketsIn('bucket', low, low + SUB_BUCKETS - 1))
          .groupBy('bucket')
          .select(db.raw(`${part} AS part`), 'bucket', db.raw('SUM(n) AS n')),
      ),
    );
  }
}
