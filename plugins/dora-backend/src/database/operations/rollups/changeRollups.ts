import { Knex } from 'knex';
import { DAY_MS } from '@internal/paved-road-common';
import { DbChangeRow } from '../../tables';
import { chunks, rowsPerInsert } from '../../util';
import {
  CHANGE_METRICS,
  ChangeMetric,
  ChangeTable,
  SUB_BUCKETS,
} from './changeValues';
import { dayOf, insertSelect } from './sql';

/**
 * A change histogram table and the rows it counts: the default target's
 * over dora_changes, the per-environment one over dora_change_environments.
 */
export const CHANGE_ROLLUPS = {
  default: {
    table: 'dora_rollup_change_days',
    source: 'dora_changes' as ChangeTable,
    key: [] as Array<['environment', string]>,
  },
  environment: {
    table: 'dora_env_change_days',
    source: 'dora_change_environments' as ChangeTable,
    key: [['environment', 'c.environment']] as Array<['environment', string]>,
  },
};
export type ChangeRollup = (typeof CHANGE_ROLLUPS)[keyof typeof CHANGE_ROLLUPS];

/**
 * A change's row as the histogram needs it (dora_changes or
 * dora_change_environments, which has the environment).
 */
export type ChangeRollupSource = Pick<
  DbChangeRow,
  'deployed_at' | 'owner_ref' | 'fallback' | `${ChangeMetric}_bucket`
> & { environment?: string };

/**
 * One dora_rollup_change_days key a change counts in: scope kind, scope ref,
 * metric ('fallback' or a change metric), level, bucket and day.
 */
export type ChangeContribution = [
  kind: 'org' | 'owner',
  ref: string,
  metric: ChangeMetric | 'fallback',
  level: number,
  bucket: number,
  day: number,
];

/**
 * Histogram rows a change contributes: per scope (organisation; owner at
 * deploy time), metric, level (0 = octave for both, 1 = fine bucket for the
 * organisation only) and UTC day of its deployment. `fallback` counts squash
 * merges measured from PR open.
 */
export function changeContributions(
  row: ChangeRollupSource,
): ChangeContribution[] {
  const out: ChangeContribution[] = [];
  if (row.deployed_at === null || row.deployed_at === undefined) return out;
  const day = Math.floor(Number(row.deployed_at) / DAY_MS);
  const scopes: Array<['org' | 'owner', string]> = [['org', '']];
  if (row.owner_ref !== null) scopes.push(['owner', row.owner_ref]);
  for (const [kind, ref] of scopes) {
    if (Number(row.fallback)) out.push([kind, ref, 'fallback', 0, 0, day]);
    for (const m of CHANGE_METRICS) {
      const bucket = row[`${m}_bucket`];
      if (bucket === null || bucket === undefined) continue;
      const fine = Number(bucket);
      out.push([kind, ref, m, 0, Math.floor(fine / SUB_BUCKETS), day]);
      if (kind === 'org') out.push([kind, ref, m, 1, fine, day]);
    }
  }
  return out;
}

/**
 * Increments of a change histogram while ingestion relinks changes: each
 * relinked change's row counted out (-1) as stored and in (+1) as written,
 * from the rows relinking already has in memory, then the net changes
 * added to the table.
 */
export class ChangeHistogramDeltas {
  /** JSON of the table's key columns, scope, metric, level, bucket, day. */
  private readonly deltas = new Map<string, number>();

  constructor(private readonly rollup: ChangeRollup) {}

  /**
   * Counts a row of the rollup's source table (as stored, or as it is about
   * to be written) in (+1) or out (-1).
   */
  add(row: ChangeRollupSource, sign: 1 | -1) {
    for (const key of changeContributions(row)) {
      const k = JSON.stringify([
        ...this.rollup.key.map(([name]) => row[name as 'environment']),
        ...key,
      ]);
      this.deltas.set(k, (this.deltas.get(k) ?? 0) + sign);
    }
  }

  /**
   * Adds the increments to the table. Only the cells whose count changed,
   * in key order: batches of different services share the organisation's
   * and teams' cells, and lock them in one order, so cannot deadlock on them.
   */
  async apply(trx: Knex.Transaction) {
    const { table, key } = this.rollup;
    const keyColumns = [
      ...key.map(([name]) => name),
      'scope_kind',
      'scope_ref',
      'metric',
      'level',
      'bucket',
      'day',
    ];
    const rows = [...this.deltas.entries()]
      .filter(([, n]) => n !== 0)
      .sort(([a], [b]) => (a < b ? -1 : Number(a > b)))
      .map(([k, n]) => ({
        ...Object.fromEntries(
          (JSON.parse(k) as unknown[]).map((v, i) => [keyColumns[i], v]),
        ),
        n,
      }));
    if (!rows.length) return;
    const size = rowsPerInsert(trx, Object.keys(rows[0]).length);
    for (const part of chunks(rows, size)) {
      await trx(table)
        .insert(part)
        .onConflict(keyColumns)
        .merge({ n: trx.raw(`${table}.n + excluded.n`) });
    }
  }
}

/** Rebuilds both change histograms from the changes' columns, set-based. */
export async function rebuildChangeRollups(knex: Knex): Promise<void> {
  const day = dayOf('c.deployed_at');
  for (const { table, source, key } of Object.values(CHANGE_ROLLUPS)) {
    await knex(table).delete();
    const insert = async (
      kind: 'org' | 'owner',
      metric: ChangeMetric | 'fallback',
      level: number,
      bucketExpr: string,
      notNull: string,
    ) => {
      const ref = kind === 'org' ? `''` : 'c.owner_ref';
      const from = knex(`${source} as c`)
        .whereNotNull('c.deployed_at')
        .whereRaw(notNull)
        // A constant bucket (fallback) is not grouped: GROUP BY 0 means a position.
        .groupByRaw(
          [
            ...key.map(([, expr]) => expr),
            kind === 'org' ? null : ref,
            bucketExpr === '0' ? null : bucketExpr,
            day,
          ]
            .filter(Boolean)
            .join(', '),
        );
      if (kind === 'owner') from.whereNotNull('c.owner_ref');
      await insertSelect(
        knex,
        table,
        [
          ...key,
          ['scope_kind', `'${kind}'`],
          ['scope_ref', ref],
          ['metric', `'${metric}'`],
          ['level', String(level)],
          ['bucket', bucketExpr],
          ['day', day],
          ['n', 'COUNT(*)'],
        ],
        from,
      );
    };
    for (const kind of ['org', 'owner'] as const) {
      await insert(kind, 'fallback', 0, '0', 'c.fallback = 1');
      for (const m of CHANGE_METRICS) {
        const notNull = `c.${m}_bucket IS NOT NULL`;
        await insert(kind, m, 0, `c.${m}_bucket / ${SUB_BUCKETS}`, notNull);
        if (kind === 'org') await insert(kind, m, 1, `c.${m}_bucket`, notNull);
      }
    }
  }
}
