import { Knex } from 'knex';
import { nonNegative, Where } from './sql';

/** Fine buckets per octave (power of two) of a duration in ms. */
export const SUB_BUCKETS = 64;
/** Octaves covered: durations up to 2^41 ms (about 70 years). */
const OCTAVES = 41;

/** Duration metrics of a change, each with a value and a bucket column. */
export const CHANGE_METRICS = ['lead', 'coding', 'review', 'waiting'] as const;
export type ChangeMetric = (typeof CHANGE_METRICS)[number];

/**
 * Fine bucket of a duration, in SQL over an integer expression: 0 for 0 ms,
 * else (octave + 1) * 64 + position within the octave (integer arithmetic,
 * the same on both databases). Monotonic in the value; coarse bucket =
 * fine / 64. A binary search over the octaves, so a row evaluates the
 * expression about eight times.
 */
export function bucketSql(v: string): string {
  const octaves = (lo: number, hi: number): string => {
    if (lo === hi) {
      const base = 2 ** lo;
      return `${
        (lo + 1) * SUB_BUCKETS
      } + ((${v} - ${base}) * ${SUB_BUCKETS}) / ${base}`;
    }
    const mid = Math.ceil((lo + hi) / 2);
    return `CASE WHEN ${v} < ${2 ** mid} THEN ${octaves(
      lo,
      mid - 1,
    )} ELSE ${octaves(mid, hi)} END`;
  };
  return `(CASE WHEN ${v} < 1 THEN 0 ELSE ${octaves(0, OCTAVES - 1)} END)`;
}

/**
 * Durations of a change (columns of dora_changes, unqualified), null when the
 * change is not deployed or the stage is unknown. Same definitions as
 * leadTimeOf in src/lib/figures.ts.
 */
const FALLBACK = `(squash_merge AND pr_opened_at IS NOT NULL)`;
const CHANGE_VALUE_SQL: Record<ChangeMetric, string> = {
  lead: `(CASE WHEN deployed_at IS NULL THEN NULL
              WHEN ${FALLBACK} THEN ${nonNegative(
    'deployed_at',
    'pr_opened_at',
  )}
              ELSE ${nonNegative('deployed_at', 'authored_at')} END)`,
  coding: `(CASE WHEN deployed_at IS NULL OR pr_opened_at IS NULL OR squash_merge THEN NULL
                ELSE ${nonNegative('pr_opened_at', 'authored_at')} END)`,
  review: `(CASE WHEN deployed_at IS NULL OR pr_opened_at IS NULL OR merged_at IS NULL THEN NULL
                ELSE ${nonNegative('merged_at', 'pr_opened_at')} END)`,
  waiting: `(CASE WHEN deployed_at IS NULL OR merged_at IS NULL THEN NULL
                 ELSE ${nonNegative('deployed_at', 'merged_at')} END)`,
};

/**
 * The rows a change's durations live on: dora_changes for the default
 * target (its first production-tier deployment), dora_change_environments
 * for each environment it was deployed to (same column names).
 */
export type ChangeTable = 'dora_changes' | 'dora_change_environments';

/**
 * Sets the duration and bucket columns of the changes `where` selects (all
 * when omitted) from their raw and link columns, in one pass (the bucket is
 * computed from the duration's expression, not from the column being set).
 */
export async function refreshChangeValues(
  knex: Knex,
  where?: Where,
  table: ChangeTable = 'dora_changes',
): Promise<void> {
  const set: Record<string, Knex.Raw> = {
    fallback: knex.raw(
      `CASE WHEN deployed_at IS NOT NULL AND ${FALLBACK} THEN 1 ELSE 0 END`,
    ),
  };
  for (const m of CHANGE_METRICS) {
    const value = CHANGE_VALUE_SQL[m];
    set[`${m}_ms`] = knex.raw(value);
    set[`${m}_bucket`] = knex.raw(
      `CASE WHEN ${value} IS NULL THEN NULL ELSE ${bucketSql(value)} END`,
    );
  }
  const q = knex(table).update(set);
  if (where) where(q);
  await q;
}

/**
 * bucketSql's bucket of a duration, computed here (the same integer
 * arithmetic: a test checks both agree on every octave's edges).
 */
export function durationBucket(ms: number): number {
  if (ms < 1) return 0;
  let octave = Math.min(OCTAVES - 1, Math.floor(Math.log2(ms)));
  // log2 in floating point may be one off at a power of two.
  while (octave > 0 && 2 ** octave > ms) octave--;
  while (octave < OCTAVES - 1 && 2 ** (octave + 1) <= ms) octave++;
  const base = 2 ** octave;
  return (
    (octave + 1) * SUB_BUCKETS + Math.floor(((ms - base) * SUB_BUCKETS) / base)
  );
}

/** What a change's durations are computed from (epoch ms). */
export interface ChangeTimes {
  deployed_at: number | null;
  authored_at: number;
  pr_opened_at: number | null;
  merged_at: number | null;
  squash_merge: boolean;
}

/** The columns refreshChangeValues sets, computed here for one change. */
export function changeValues(t: ChangeTimes): Record<string, number | null> {
  const since = (a: number, b: number) => Math.max(0, a - b);
  const fallback = t.squash_merge && t.pr_opened_at !== null;
  const deployed = t.deployed_at;
  const values: Record<ChangeMetric, number | null> = {
    lead:
      deployed === null
        ? null
        : since(deployed, fallback ? t.pr_opened_at! : t.authored_at),
    coding:
      deployed === null || t.pr_opened_at === null || t.squash_merge
        ? null
        : since(t.pr_opened_at, t.authored_at),
    review:
      deployed === null || t.pr_opened_at === null || t.merged_at === null
        ? null
        : since(t.merged_at, t.pr_opened_at),
    waiting:
      deployed === null || t.merged_at === null
        ? null
        : since(deployed, t.merged_at),
  };
  const columns: Record<string, number | null> = {
    fallback: deployed !== null && fallback ? 1 : 0,
  };
  for (const m of CHANGE_METRICS) {
    const value = values[m];
    columns[`${m}_ms`] = value;
    columns[`${m}_bucket`] = value === null ? null : durationBucket(value);
  }
  return columns;
}
