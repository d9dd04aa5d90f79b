import { Knex } from 'knex';
import {
  DeploymentCounts,
  MetricsFilter,
  SummaryOptions,
  WindowSummary,
} from './types';
import {
  DEPLOYMENT_ROLLUP_COLUMNS,
  liveDeploymentRollups,
  SUB_BUCKETS,
} from './rollups';
import { percentile } from '../service/figures';

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
 * Deployment counts from a row of sums (rollup or raw query), whose columns
 * are named as in dora_rollup_deployment_days; no row means zeros.
 */
export function deploymentCounts(
  totals: Record<string, unknown> | undefined,
): DeploymentCounts {
  return {
    deployments: num(totals?.deployments),
    deploymentDays: num(totals?.deployment_days),
    unplanned: num(totals?.unplanned),
    failed: num(totals?.failed),
    failedByIncident: num(totals?.by_incident),
    failedByRollback: num(totals?.by_rollback),
    failedByHotfix: num(totals?.by_hotfix),
  };
}

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
  const { lo, hi, weight } = ranksOf(n, p);
  const values = await valuesAt(lo);
  let high = values[0];
  if (hi !== lo) high = values.length > 1 ? values[1] : (await valuesAt(hi))[0];
  return values[0] + (high - values[0]) * weight;
}

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
 * UNION ALL of sub-queries that may have their own ORDER BY/LIMIT (wrapped,
 * for SQLite). Sent as two statements at once, alternate parts in each: a
 * statement runs on one core, and the look-ups are most of a request's work.
 * Rows carry their part's number, so their order does not matter.
 */
async function unionAll(db: Knex, parts: Knex.QueryBuilder[]): Promise<any[]> {
  const halves = [0, 1]
    .map(half => parts.filter((_, i) => i % 2 === half))
    .filter(half => half.length);
  const results = await Promise.all(
    halves.map(async half => {
      const compiled = half.map(p => p.toSQL());
      const result = await db.raw(
        compiled
          .map((c, i) => `SELECT * FROM (${c.sql}) AS u${i}`)
          .join(' UNION ALL '),
        compiled.flatMap(c => [...c.bindings]),
      );
      return (result.rows ?? result) as any[];
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

/**
 * The window's figures from the rollups, exact: counts add up across days;
 * a percentile finds its bucket in the day-by-day histogram (octave, then for
 * the organisation the fine bucket) and reads the value at its rank inside
 * that bucket from the changes through an index on (bucket, deployed_at).
 * A service has few enough changes to rank them in memory.
 */
export async function rollupSummary(
  db: Knex,
  filter: MetricsFilter,
  options: SummaryOptions,
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
  // The default target's tables, or a picked environment's (its rows only).
  const { environment } = filter;
  const tables =
    environment === undefined
      ? {
          changes: 'dora_changes',
          changeDays: 'dora_rollup_change_days',
          deploymentDays: 'dora_rollup_deployment_days',
          recovery: 'recovery_ms',
        }
      : {
          changes: 'dora_change_environments',
          changeDays: 'dora_env_change_days',
          deploymentDays: 'dora_env_deployment_days',
          recovery: 'env_recovery_ms',
        };
  /** The changes (alias c) of the target, in the scope. */
  const changes = () => {
    const q = scoped(db(`${tables.changes} as c`), 'c');
    if (environment !== undefined) q.where('c.environment', environment);
    return q;
  };
  const rollup = (table: string, a: number, b: number) => {
    const q = db(table)
      .where('scope_kind', scope.kind)
      .andWhere('day', '>=', a)
      .andWhere('day', '<', b);
    if (scope.kind === 'org') q.andWhere('scope_ref', '');
    else q.whereIn('scope_ref', scope.refs);
    if (environment !== undefined) q.andWhere('environment', environment);
    return q;
  };
  const weekOfDay = `(day - ${fromDay}) / 7`;

  // Days of the window whose deployment rollups ingestion made stale and
  // the background refresh has not recomputed yet: usually none, a few
  // while events arrive. They are computed from the raw rows here, so a
  // read never waits for a refresh (nor a refresh for a read).
  const staleDays = (
    await db('dora_rollup_dirty_days')
      .where('day', '>=', fromDay)
      .andWhere('day', '<', toDay)
      .distinct('day')
  ).map(row => Number(row.day));
  /** The scope's deployment rollup rows of the window, stale days live. */
  const deploymentDays = (): Knex.QueryBuilder => {
    const stored = rollup(tables.deploymentDays, fromDay, toDay);
    if (!staleDays.length) return stored;
    const live = liveDeploymentRollups(
      db,
      { environment },
      scope.kind,
      staleDays,
      scope.kind === 'org' ? undefined : scope.refs,
    );
    return db.from(
      stored
        .whereNotIn('day', staleDays)
        .select(DEPLOYMENT_ROLLUP_COLUMNS)
        .unionAll(live)
        .as('deployment_days'),
    );
  };

  // Percentiles of change metrics, resolved together. A request asks for
  // the value at rank k, and at k + 1 when the percentile interpolates: the
  // octave comes from the window's histogram, for the organisation the fine
  // bucket from the fine histogram (one query for all), then the values from
  // one query of indexed sub-queries (one per rank, or one for both ranks
  // when they share a bucket).
  type Request = {
    metric: Metric;
    a: number;
    b: number;
    hist: Histogram;
    k: number;
    pair: boolean;
  };
  /** Buckets [low, high] of the change's bucket column and a rank in them. */
  type Slice = { low: number; high: number; rank: number };
  const requests: Request[] = [];
  const fineKey = (r: Request, s: Slice) =>
    `${r.metric} ${r.a} ${r.b} ${s.low}`;

  /** Narrows octave slices to the fine bucket holding each rank. */
  const refineToFineBuckets = async (
    ranks: Array<{ request: number; slice: Slice }>,
  ) => {
    const keys = [
      ...new Set(ranks.map(x => fineKey(requests[x.request], x.slice))),
    ];
    const rows = await unionAll(
      db,
      keys.map((key, part) => {
        const [metric, a, b, low] = key.split(' ');
        return rollup(tables.changeDays, Number(a) / DAY_MS, Number(b) / DAY_MS)
          .where({ metric, level: 1 })
          .whereRaw(
            bucketsIn('bucket', Number(low), Number(low) + SUB_BUCKETS - 1),
          )
          .groupBy('bucket')
          .select(db.raw(`${part} AS part`), 'bucket', db.raw('SUM(n) AS n'));
      }),
    );
    const fine = keys.map(() => new Map<number, number>());
    for (const r of rows) fine[num(r.part)].set(num(r.bucket), num(r.n));
    for (const x of ranks) {
      const key = fineKey(requests[x.request], x.slice);
      const { bucket, rank } = locate(fine[keys.indexOf(key)], x.slice.rank);
      x.slice = { low: bucket, high: bucket, rank };
    }
  };

  /** The values at each request's rank(s), ascending. */
  const resolveRequests = async (): Promise<number[][]> => {
    const ranks = requests.flatMap((r, request) =>
      (r.pair ? [r.k, r.k + 1] : [r.k]).map(k => {
        const { bucket, rank } = locate(r.hist, k);
        const low = bucket * SUB_BUCKETS;
        return { request, slice: { low, high: low + SUB_BUCKETS - 1, rank } };
      }),
    );
    if (scope.kind === 'org') await refineToFineBuckets(ranks);
    const lookups: Array<{ request: number; slice: Slice; limit: number }> = [];
    for (let j = 0; j < ranks.length; j++) {
      const [x, next] = [ranks[j], ranks[j + 1]];
      const shared =
        next?.request === x.request &&
        next.slice.low === x.slice.low &&
        next.slice.high === x.slice.high;
      lookups.push({ ...x, limit: shared ? 2 : 1 });
      if (shared) j++;
    }
    const rows = await unionAll(
      db,
      lookups.map(({ request, slice, limit }, part) => {
        const { metric, a, b } = requests[request];
        return changes()
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
    const values = requests.map(() => [] as number[]);
    lookups.forEach(({ request }, part) =>
      values[request].push(...byLookup[part].sort((x, y) => x - y)),
    );
    return values;
  };
  /** Registers the ranks of a percentile; returns how to compute it later. */
  const percentileLater = (
    metric: Metric,
    a: number,
    b: number,
    hist: Histogram,
    n: number,
    p: number,
  ) => {
    if (n === 0) return () => null;
    const { lo, hi, weight } = ranksOf(n, p);
    const i = requests.push({ metric, a, b, hist, k: lo, pair: hi !== lo }) - 1;
    return (values: number[][]) => {
      const [low, high = low] = values[i];
      return low + (high - low) * weight;
    };
  };

  // Octave histograms of the window, per metric (with the counts of
  // changes), and of each week for lead time: one read of the window's rows.
  const changeHistograms = async () => {
    const hist = new Map<string, Histogram>(METRICS.map(m => [m, new Map()]));
    const perWeek: Histogram[] = Array.from({ length: weeks }, () => new Map());
    const add = (h: Histogram, bucket: number, n: number) =>
      h.set(bucket, (h.get(bucket) ?? 0) + n);
    const rows = await rollup(tables.changeDays, fromDay, toDay)
      .where('level', 0)
      .groupByRaw(weeks ? `metric, ${weekOfDay}, bucket` : 'metric, bucket')
      .select(
        'metric',
        'bucket',
        db.raw(`${weeks ? weekOfDay : 0} AS week`),
        db.raw('SUM(n) AS n'),
      );
    for (const r of rows) {
      if (!hist.has(r.metric)) hist.set(r.metric, new Map());
      add(hist.get(r.metric)!, num(r.bucket), num(r.n));
      if (weeks && r.metric === 'lead') {
        add(perWeek[num(r.week)], num(r.bucket), num(r.n));
      }
    }
    const counts = (m: string) =>
      [...(hist.get(m)?.values() ?? [])].reduce((x, y) => x + y, 0);
    return { hist, counts, perWeek };
  };

  // A service has few enough changes to rank them all, reading their stored
  // durations from one index range: PostgreSQL ranks them itself
  // (percentile_cont interpolates exactly as percentile() does); SQLite, which
  // has no percentiles, ranks them here.
  const serviceChanges = () =>
    changes()
      .andWhere('c.deployed_at', '>=', from)
      .andWhere('c.deployed_at', '<', to)
      .whereNotNull('c.lead_ms');
  const servicePercentilesInDatabase = async () => {
    const cont = (m: Metric, p: number, as: string) =>
      db.raw(
        `percentile_cont(${p}) WITHIN GROUP (ORDER BY c.${m}_ms) AS ${as}`,
      );
    const week = `(c.deployed_at - ${from}) / ${WEEK_MS}`;
    const [[row], weekly] = await Promise.all([
      serviceChanges().select(
        db.raw('COUNT(*) AS changes'),
        db.raw('SUM(c.fallback) AS fallbacks'),
        ...(options.headline
          ? [cont('lead', 0.5, 'lead')]
          : [
              cont('lead', 0.9, 'lead_p90'),
              ...METRICS.map(m => cont(m, 0.5, m)),
            ]),
      ),
      weeks
        ? serviceChanges()
            .groupByRaw(week)
            .select(db.raw(`${week} AS week`), cont('lead', 0.5, 'lead'))
        : [],
    ]);
    const orNull = (v: unknown) => (v === null ? null : num(v));
    return {
      changes: num(row.changes),
      prOpenFallbacks: num(row.fallbacks),
      leadMedianMs: orNull(row.lead),
      leadP90Ms: orNull(row.lead_p90 ?? null),
      codingMedianMs: orNull(row.coding ?? null),
      reviewMedianMs: orNull(row.review ?? null),
      waitingMedianMs: orNull(row.waiting ?? null),
      weeklyLead: Array.from({ length: weeks }, (_, w) =>
        orNull(weekly.find((r: any) => num(r.week) === w)?.lead ?? null),
      ),
    };
  };
  const serviceLeadFigures = async () => {
    if (db.client.config.client === 'pg') return servicePercentilesInDatabase();
    const rows = await serviceChanges().select(
      'c.deployed_at',
      'c.fallback',
      ...METRICS.map(m => `c.${m}_ms`),
    );
    const values = (m: Metric, w?: number) =>
      rows
        .filter(
          (r: any) =>
            r[`${m}_ms`] !== null &&
            (w === undefined ||
              Math.floor((num(r.deployed_at) - from) / WEEK_MS) === w),
        )
        .map((r: any) => num(r[`${m}_ms`]))
        .sort((x: number, y: number) => x - y);
    const lead = values('lead');
    return {
      changes: lead.length,
      prOpenFallbacks: rows.filter((r: any) => num(r.fallback) === 1).length,
      leadMedianMs: percentile(lead, 0.5),
      leadP90Ms: percentile(lead, 0.9),
      codingMedianMs: percentile(values('coding'), 0.5),
      reviewMedianMs: percentile(values('review'), 0.5),
      waitingMedianMs: percentile(values('waiting'), 0.5),
      weeklyLead: Array.from({ length: weeks }, (_, w) =>
        percentile(values('lead', w), 0.5),
      ),
    };
  };

  const leadFigures = async () => {
    if (scope.kind === 'service') return serviceLeadFigures();
    const { hist, counts, perWeek } = await changeHistograms();
    const later = (m: Metric, p: number, detail = false) =>
      detail && options.headline
        ? () => null
        : percentileLater(m, from, to, hist.get(m)!, counts(m), p);
    const figures = {
      leadMedianMs: later('lead', 0.5),
      leadP90Ms: later('lead', 0.9, true),
      codingMedianMs: later('coding', 0.5, true),
      reviewMedianMs: later('review', 0.5, true),
      waitingMedianMs: later('waiting', 0.5, true),
    };
    const weeklyLater = perWeek.map((h, w) => {
      const a = from + w * WEEK_MS;
      const n = [...h.values()].reduce((x, y) => x + y, 0);
      return percentileLater('lead', a, Math.min(to, a + WEEK_MS), h, n, 0.5);
    });
    const values = await resolveRequests();
    return {
      changes: counts('lead'),
      prOpenFallbacks: counts('fallback'),
      leadMedianMs: figures.leadMedianMs(values),
      leadP90Ms: figures.leadP90Ms(values),
      codingMedianMs: figures.codingMedianMs(values),
      reviewMedianMs: figures.reviewMedianMs(values),
      waitingMedianMs: figures.waitingMedianMs(values),
      weeklyLead: weeklyLater.map(f => f(values)),
    };
  };

  const deploymentFigures = async () => {
    const [totals] = await deploymentDays().select(
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
      const deployments = scoped(db('dora_deployments as d'), 'd');
      if (environment !== undefined) {
        deployments.where('d.environment', environment);
      }
      const rows = await deployments
        .whereNotNull(`d.${tables.recovery}`)
        .andWhere('d.finished_at', '>=', from)
        .andWhere('d.finished_at', '<', to)
        .orderBy(`d.${tables.recovery}`)
        .offset(k)
        .limit(2)
        .select(`d.${tables.recovery} as v`);
      return rows.map((r: any) => num(r.v));
    });
    return {
      ...deploymentCounts(totals),
      recovered,
      recoveryMedianMs,
    };
  };

  type WeekRow = { week: unknown; deployments: unknown; failed: unknown };
  const weeklyDeployments = async (): Promise<WeekRow[]> => {
    if (!weeks) return [];
    const rows: WeekRow[] = await deploymentDays()
      .groupByRaw(weekOfDay)
      .select(
        db.raw(`${weekOfDay} AS week`),
        db.raw('SUM(deployments) AS deployments'),
        db.raw('SUM(failed) AS failed'),
      );
    return rows;
  };

  const incidentFigures = async () => {
    const window = () => {
      const q = scoped(db('dora_incidents as i'), 'i')
        .andWhere('i.opened_at', '>=', from)
        .andWhere('i.opened_at', '<', to);
      // With an environment picked, only incidents linked to a deployment
      // in it (there are few incidents: no rollup needed).
      if (environment !== undefined) {
        q.whereExists(
          db('dora_deployments as ld')
            .whereRaw('ld.id = i.caused_by_deployment_id')
            .andWhere('ld.environment', environment)
            .select(db.raw('1')),
        );
      }
      return q;
    };
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

  const [deployments, weeklyRows, { weeklyLead, ...lead }, incidents] =
    await Promise.all([
      deploymentFigures(),
      weeklyDeployments(),
      leadFigures(),
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
