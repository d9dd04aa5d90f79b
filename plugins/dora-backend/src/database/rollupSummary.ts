import { Knex } from 'knex';
import { MetricsFilter, WindowSummary } from './types';
import { SUB_BUCKETS } from './rollups';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

type Metric = 'lead' | 'coding' | 'review' | 'waiting';
const METRICS: Metric[] = ['lead', 'coding', 'review', 'waiting'];

/** Whose rows: the organisation, owners (a team) or services. */
type Scope =
  | { kind: 'org' }
  | { kind: 'owner'; refs: string[] }
  | { kind: 'service'; refs: string[] };

/** A histogram: bucket -> count, at one level. */
type Histogram = Map<number, number>;

/** PostgreSQL returns bigint and sums as strings. */
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/**
 * The rollups hold whole UTC days: they serve windows whose bounds are UTC
 * midnights (then every weekly bucket is whole days too) and one kind of
 * scope at a time.
 */
export function rollupsCover(filter: MetricsFilter): boolean {
  return (
    filter.from % DAY_MS === 0 &&
    filter.to % DAY_MS === 0 &&
    !(filter.serviceRefs && filter.ownerRefs)
  );
}

function scopeOf(filter: MetricsFilter): Scope {
  if (filter.serviceRefs) return { kind: 'service', refs: filter.serviceRefs };
  if (filter.ownerRefs) return { kind: 'owner', refs: filter.ownerRefs };
  return { kind: 'org' };
}

/**
 * Percentile with linear interpolation between closest ranks over `n`
 * values, given a function returning the value at rank k (and, when it can
 * tell cheaply, at k + 1). Same arithmetic as percentile() in figures.ts.
 */
async function percentileOf(
  n: number,
  p: number,
  valuesAt: (k: number) => Promise<number[]>,
): Promise<number | null> {
  if (n === 0) return null;
  const pos = (n - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const values = await valuesAt(lo);
  let high = values[0];
  if (hi !== lo) high = values.length > 1 ? values[1] : (await valuesAt(hi))[0];
  return values[0] + (high - values[0]) * (pos - lo);
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

/**
 * The window's figures from the rollups, exact: counts add up across days;
 * a percentile finds its bucket in the day-by-day histogram (octave, then for
 * the organisation the fine bucket) and reads the value at its rank inside
 * that bucket from the changes through an index on (bucket, deployed_at).
 * A service has few enough rows to rank them directly.
 */
export async function rollupSummary(
  db: Knex,
  filter: MetricsFilter,
  options: { weekly: boolean },
): Promise<WindowSummary> {
  const { from, to } = filter;
  const scope = scopeOf(filter);
  const fromDay = from / DAY_MS;
  const toDay = to / DAY_MS;
  const weeks = options.weekly
    ? Math.max(1, Math.ceil((to - from) / WEEK_MS))
    : 0;

  /** Restricts a raw table (alias.) to the scope. */
  const scoped = (q: Knex.QueryBuilder, alias: string) => {
    if (scope.kind === 'owner') q.whereIn(`${alias}.owner_ref`, scope.refs);
    if (scope.kind === 'service') q.whereIn(`${alias}.service_ref`, scope.refs);
    return q;
  };
  /** Restricts a rollup table to the scope's rows and the days [a, b). */
  const rollup = (table: string, a: number, b: number) => {
    const q = db(table)
      .where('scope_kind', scope.kind)
      .andWhere('day', '>=', a)
      .andWhere('day', '<', b);
    if (scope.kind === 'org') q.andWhere('scope_ref', '');
    else q.whereIn('scope_ref', scope.refs);
    return q;
  };
  const weekOfDay = `(day - ${fromDay}) / 7`;

  // Value at rank k (and k + 1 when in the same slice) of a change metric
  // among changes deployed in [a, b); `coarse` is that window's octave
  // histogram (not used for a service).
  const changeValuesAt = async (
    metric: Metric,
    a: number,
    b: number,
    coarse: Histogram,
    k: number,
  ): Promise<number[]> => {
    const q = scoped(db('dora_changes as c'), 'c')
      .andWhere('c.deployed_at', '>=', a)
      .andWhere('c.deployed_at', '<', b);
    let offset = k;
    if (scope.kind === 'service') {
      q.whereNotNull(`c.${metric}_ms`);
    } else {
      const octave = locate(coarse, k);
      if (scope.kind === 'org') {
        const rows = await rollup(
          'dora_rollup_change_days',
          a / DAY_MS,
          b / DAY_MS,
        )
          .where({ metric, level: 1 })
          .whereBetween('bucket', [
            octave.bucket * SUB_BUCKETS,
            octave.bucket * SUB_BUCKETS + SUB_BUCKETS - 1,
          ])
          .groupBy('bucket')
          .select('bucket', db.raw('SUM(n) AS n'));
        const fine = locate(
          new Map(rows.map(r => [num(r.bucket), num(r.n)])),
          octave.rank,
        );
        q.where(`c.${metric}_bucket`, fine.bucket);
        offset = fine.rank;
      } else {
        q.whereBetween(`c.${metric}_bucket`, [
          octave.bucket * SUB_BUCKETS,
          octave.bucket * SUB_BUCKETS + SUB_BUCKETS - 1,
        ]);
        offset = octave.rank;
      }
    }
    const rows = await q
      .orderBy(`c.${metric}_ms`)
      .offset(offset)
      .limit(2)
      .select(`c.${metric}_ms as v`);
    return rows.map((r: any) => num(r.v));
  };

  // Counts of changes per metric (and octave histograms) for [a, b).
  const changeCounts = async (a: number, b: number) => {
    const hist = new Map<string, Histogram>(METRICS.map(m => [m, new Map()]));
    const count = (m: string) =>
      [...(hist.get(m)?.values() ?? [])].reduce((x, y) => x + y, 0);
    if (scope.kind === 'service') {
      const [row] = await scoped(db('dora_changes as c'), 'c')
        .andWhere('c.deployed_at', '>=', a)
        .andWhere('c.deployed_at', '<', b)
        .select(
          ...METRICS.map(m => db.raw(`COUNT(c.${m}_ms) AS ${m}`)),
          db.raw('SUM(c.fallback) AS fallback'),
        );
      return {
        hist,
        counts: (m: string) => num(row?.[m]),
      };
    }
    const rows = await rollup('dora_rollup_change_days', a / DAY_MS, b / DAY_MS)
      .where('level', 0)
      .groupBy('metric', 'bucket')
      .select('metric', 'bucket', db.raw('SUM(n) AS n'));
    for (const r of rows) {
      if (!hist.has(r.metric)) hist.set(r.metric, new Map());
      hist.get(r.metric)!.set(num(r.bucket), num(r.n));
    }
    return { hist, counts: count };
  };

  const leadFigures = async () => {
    const { hist, counts } = await changeCounts(from, to);
    const median = (m: Metric) =>
      percentileOf(counts(m), 0.5, k =>
        changeValuesAt(m, from, to, hist.get(m)!, k),
      );
    const [
      leadMedianMs,
      leadP90Ms,
      codingMedianMs,
      reviewMedianMs,
      waitingMedianMs,
    ] = await Promise.all([
      median('lead'),
      percentileOf(counts('lead'), 0.9, k =>
        changeValuesAt('lead', from, to, hist.get('lead')!, k),
      ),
      median('coding'),
      median('review'),
      median('waiting'),
    ]);
    return {
      changes: counts('lead'),
      prOpenFallbacks: counts('fallback'),
      leadMedianMs,
      leadP90Ms,
      codingMedianMs,
      reviewMedianMs,
      waitingMedianMs,
    };
  };

  const weeklyLeadMedians = async (): Promise<Array<number | null>> => {
    if (!weeks) return [];
    const perWeek: Histogram[] = Array.from({ length: weeks }, () => new Map());
    if (scope.kind === 'service') {
      const rows = await scoped(db('dora_changes as c'), 'c')
        .andWhere('c.deployed_at', '>=', from)
        .andWhere('c.deployed_at', '<', to)
        .whereNotNull('c.lead_ms')
        .groupByRaw(`(c.deployed_at - ${from}) / ${WEEK_MS}`)
        .select(
          db.raw(`(c.deployed_at - ${from}) / ${WEEK_MS} AS week`),
          db.raw('COUNT(*) AS n'),
        );
      // One pseudo-bucket per week: only the count matters for a service.
      for (const r of rows) perWeek[num(r.week)].set(0, num(r.n));
    } else {
      const rows = await rollup('dora_rollup_change_days', fromDay, toDay)
        .where({ metric: 'lead', level: 0 })
        .groupByRaw(`${weekOfDay}, bucket`)
        .select(
          db.raw(`${weekOfDay} AS week`),
          'bucket',
          db.raw('SUM(n) AS n'),
        );
      for (const r of rows) perWeek[num(r.week)].set(num(r.bucket), num(r.n));
    }
    return Promise.all(
      perWeek.map((hist, w) => {
        const a = from + w * WEEK_MS;
        const b = Math.min(to, a + WEEK_MS);
        const n = [...hist.values()].reduce((x, y) => x + y, 0);
        return percentileOf(n, 0.5, k => changeValuesAt('lead', a, b, hist, k));
      }),
    );
  };

  const deploymentFigures = async () => {
    const [totals] = await rollup(
      'dora_rollup_deployment_days',
      fromDay,
      toDay,
    ).select(
      db.raw('SUM(deployments) AS deployments'),
      db.raw('COUNT(DISTINCT day) AS deployment_days'),
      db.raw('SUM(unplanned) AS unplanned'),
      db.raw('SUM(failed) AS failed'),
      db.raw('SUM(by_incident) AS by_incident'),
      db.raw('SUM(by_rollback) AS by_rollback'),
      db.raw('SUM(by_hotfix) AS by_hotfix'),
      db.raw('SUM(recovered) AS recovered'),
    );
    const recovered = num(totals?.recovered);
    const recoveryMedianMs = await percentileOf(recovered, 0.5, async k => {
      const rows = await scoped(db('dora_deployments as d'), 'd')
        .whereNotNull('d.recovery_ms')
        .andWhere('d.finished_at', '>=', from)
        .andWhere('d.finished_at', '<', to)
        .orderBy('d.recovery_ms')
        .offset(k)
        .limit(2)
        .select('d.recovery_ms as v');
      return rows.map((r: any) => num(r.v));
    });
    return {
      deployments: num(totals?.deployments),
      deploymentDays: num(totals?.deployment_days),
      unplanned: num(totals?.unplanned),
      failed: num(totals?.failed),
      failedByIncident: num(totals?.by_incident),
      failedByRollback: num(totals?.by_rollback),
      failedByHotfix: num(totals?.by_hotfix),
      recovered,
      recoveryMedianMs,
    };
  };

  const weeklyDeployments = async () => {
    if (!weeks) return [];
    const rows = await rollup('dora_rollup_deployment_days', fromDay, toDay)
      .groupByRaw(weekOfDay)
      .select(
        db.raw(`${weekOfDay} AS week`),
        db.raw('SUM(deployments) AS deployments'),
        db.raw('SUM(failed) AS failed'),
      );
    return rows;
  };

  const incidentFigures = async () => {
    const window = () =>
      scoped(db('dora_incidents as i'), 'i')
        .andWhere('i.opened_at', '>=', from)
        .andWhere('i.opened_at', '<', to);
    const [row] = await window().select(
      db.raw('COUNT(*) AS opened'),
      db.raw('COUNT(i.resolved_at) AS resolved'),
    );
    const duration =
      'CASE WHEN i.resolved_at < i.opened_at THEN 0 ELSE i.resolved_at - i.opened_at END';
    const incidentMedianMs = await percentileOf(
      num(row?.resolved),
      0.5,
      async k => {
        const rows = await window()
          .whereNotNull('i.resolved_at')
          .orderByRaw(duration)
          .offset(k)
          .limit(2)
          .select(db.raw(`${duration} AS v`));
        return rows.map((r: any) => num(r.v));
      },
    );
    return {
      incidentsOpened: num(row?.opened),
      incidentsResolved: num(row?.resolved),
      incidentMedianMs,
    };
  };

  const [deployments, weeklyRows, lead, weeklyLead, incidents] =
    await Promise.all([
      deploymentFigures(),
      weeklyDeployments(),
      leadFigures(),
      weeklyLeadMedians(),
      incidentFigures(),
    ]);
  return {
    ...deployments,
    ...lead,
    ...incidents,
    weekly: Array.from({ length: weeks }, (_, w) => {
      const row = weeklyRows.find(r => num(r.week) === w);
      return {
        deployments: num(row?.deployments),
        failed: num(row?.failed),
        leadMedianMs: weeklyLead[w],
      };
    }),
  };
}
