/*
 * A service has few enough changes to rank them all, reading their stored
 * durations from one index range: PostgreSQL ranks them itself
 * (percentile_cont interpolates exactly as percentile() does); SQLite, which
 * has no percentiles, ranks them here.
 */
import { Knex } from 'knex';
import { percentile } from '../../../lib/figures';
import { WEEK_MS } from '@internal/paved-road-common';
import { num, numOrNull } from '../../conversion';
import {
  CHANGE_METRICS,
  ChangeMetric,
} from '../../operations/rollups/changeValues';
import { DbAggregate, DbBigInt, DbChangeDurations } from '../../tables';
import { isPostgres } from '../../util';
import { SummaryContext, targetChanges } from './context';
import { LeadFigures } from './leadFigures';

/**
 * The target's changes of the service deployed in [from, to): the window,
 * unless told otherwise.
 */
function serviceChanges(
  ctx: SummaryContext,
  from = ctx.from,
  to = ctx.to,
): Knex.QueryBuilder {
  return targetChanges(ctx)
    .andWhere('c.deployed_at', '>=', from)
    .andWhere('c.deployed_at', '<', to)
    .whereNotNull('c.lead_ms');
}

/**
 * PostgreSQL: the window's figures in one statement and, with weeks, each
 * week's median in another (one index range per week, sorted on its own),
 * sent at once. One GROUPING SETS statement for both sorted the busiest
 * service's 40,000 changes by week before ranking them, on one core.
 */
async function servicePercentilesInDatabase(
  ctx: SummaryContext,
): Promise<LeadFigures> {
  const { db, from, to, weeks } = ctx;
  const cont = (m: ChangeMetric, p: number, as: string) =>
    db.raw(`percentile_cont(${p}) WITHIN GROUP (ORDER BY c.${m}_ms) AS ${as}`);
  type Row = {
    changes: DbAggregate;
    fallbacks: DbAggregate;
    lead: DbAggregate;
  } & Partial<Record<'lead_p90' | ChangeMetric, DbAggregate>>;
  const weekMedian = (w: number) =>
    serviceChanges(
      ctx,
      from + w * WEEK_MS,
      Math.min(to, from + (w + 1) * WEEK_MS),
    ).select(cont('lead', 0.5, 'lead'));
  const [[row], weekly]: [Row[], Array<Record<string, DbAggregate>>] =
    await Promise.all([
      serviceChanges(ctx).select(
        db.raw('COUNT(*) AS changes'),
        db.raw('SUM(c.fallback) AS fallbacks'),
        ...(ctx.headline
          ? [cont('lead', 0.5, 'lead')]
          : [
              cont('lead', 0.9, 'lead_p90'),
              ...CHANGE_METRICS.map(m => cont(m, 0.5, m)),
            ]),
      ),
      weeks
        ? db.select(
            Array.from({ length: weeks }, (_, w) =>
              weekMedian(w).as(`week_${w}`),
            ),
          )
        : [{}],
    ]);
  return {
    changes: num(row.changes),
    prOpenFallbacks: num(row.fallbacks),
    leadMedianMs: numOrNull(row.lead),
    leadP90Ms: numOrNull(row.lead_p90),
    codingMedianMs: numOrNull(row.coding),
    reviewMedianMs: numOrNull(row.review),
    waitingMedianMs: numOrNull(row.waiting),
    weeklyLead: Array.from({ length: weeks }, (_, w) =>
      numOrNull(weekly[0]?.[`week_${w}`]),
    ),
  };
}

async function servicePercentilesInMemory(
  ctx: SummaryContext,
): Promise<LeadFigures> {
  const { from, weeks } = ctx;
  const rows: Array<
    { deployed_at: DbBigInt } & Pick<
      DbChangeDurations,
      'fallback' | `${ChangeMetric}_ms`
    >
  > = await serviceChanges(ctx).select(
    'c.deployed_at',
    'c.fallback',
    ...CHANGE_METRICS.map(m => `c.${m}_ms`),
  );
  const values = (m: ChangeMetric, w?: number) =>
    rows
      .filter(
        r =>
          r[`${m}_ms`] !== null &&
          (w === undefined ||
            Math.floor((num(r.deployed_at) - from) / WEEK_MS) === w),
      )
      .map(r => num(r[`${m}_ms`]))
      .sort((x, y) => x - y);
  const lead = values('lead');
  return {
    changes: lead.length,
    prOpenFallbacks: rows.filter(r => num(r.fallback) === 1).length,
    leadMedianMs: percentile(lead, 0.5),
    leadP90Ms: percentile(lead, 0.9),
    codingMedianMs: percentile(values('coding'), 0.5),
    reviewMedianMs: percentile(values('review'), 0.5),
    waitingMedianMs: percentile(values('waiting'), 0.5),
    weeklyLead: Array.from({ length: weeks }, (_, w) =>
      percentile(values('lead', w), 0.5),
    ),
  };
}

/** Lead-time figures of a service, ranked from its changes. */
export async function serviceLeadFigures(
  ctx: SummaryContext,
): Promise<LeadFigures> {
  return isPostgres(ctx.db)
    ? servicePercentilesInDatabase(ctx)
    : servicePercentilesInMemory(ctx);
}
