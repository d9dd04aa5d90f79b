import { WEEK_MS } from '@internal/paved-road-common';
import { num } from '../../conversion';
import {
  CHANGE_METRICS,
  ChangeMetric,
} from '../../operations/rollups/changeValues';
import { DbAggregate } from '../../tables';
import { WindowSummary } from '../../types';
import { rollupRows, SummaryContext, weekOfDay } from './context';
import { Histogram, PercentileLookups } from './percentiles';

/** The lead-time figures of a window, and the weekly lead-time medians. */
export type LeadFigures = Pick<
  WindowSummary,
  | 'changes'
  | 'prOpenFallbacks'
  | 'leadMedianMs'
  | 'leadP90Ms'
  | 'codingMedianMs'
  | 'reviewMedianMs'
  | 'waitingMedianMs'
> & { weeklyLead: Array<number | null> };

/**
 * Octave histograms of the window, per metric (with the counts of
 * changes), and of each week for lead time: one read of the window's rows.
 */
async function changeHistograms(ctx: SummaryContext) {
  const { db, weeks } = ctx;
  const hist = new Map<string, Histogram>(
    CHANGE_METRICS.map(m => [m, new Map()]),
  );
  const perWeek: Histogram[] = Array.from({ length: weeks }, () => new Map());
  const add = (h: Histogram, bucket: number, n: number) =>
    h.set(bucket, (h.get(bucket) ?? 0) + n);
  const week = weekOfDay(ctx);
  const rows: Array<{
    metric: string;
    bucket: DbAggregate;
    week: DbAggregate;
    n: DbAggregate;
  }> = await rollupRows(ctx, ctx.tables.changeDays, ctx.fromDay, ctx.toDay)
    .where('level', 0)
    .groupByRaw(weeks ? `metric, ${week}, bucket` : 'metric, bucket')
    .select(
      'metric',
      'bucket',
      db.raw(`${weeks ? week : 0} AS week`),
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
}

/**
 * Lead time from the change histograms (organisation, team): the window's
 * percentiles and each week's median, looked up together. A service has
 * few enough changes to rank them all (serviceLeadFigures).
 */
export async function histogramLeadFigures(
  ctx: SummaryContext,
): Promise<LeadFigures> {
  const { from, to } = ctx;
  const { hist, counts, perWeek } = await changeHistograms(ctx);
  const lookups = new PercentileLookups(ctx);
  const later = (m: ChangeMetric, p: number, detail = false) =>
    detail && ctx.headline
      ? () => null
      : lookups.later(m, from, to, hist.get(m)!, counts(m), p);
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
    return lookups.later('lead', a, Math.min(to, a + WEEK_MS), h, n, 0.5);
  });
  const values = await lookups.resolve();
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
}
