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

/** The target's changes of the service deployed in the window. */
function serviceChanges(ctx: SummaryContext): Knex.QueryBuilder {
  return targetChanges(ctx)
    .andWhere('c.deployed_at', '>=', ctx.from)
    .andWhere('c.deployed_at', '<', ctx.to)
    .whereNotNull('c.lead_ms');
}

async function servicePercentilesInDatabase(
  ctx: SummaryContext,
): Promise<LeadFigures> {
  const { db, from, weeks } = ctx;
  const cont = (m: ChangeMetric, p: number, as: string) =>
    db.raw(`percentile_cont(${p}) WITHIN GROUP (ORDER BY c.${m}_ms) AS ${as}`);
  const week = `(c.deployed_at - ${from}) / ${WEEK_MS}`;
  type Row = {
    changes: DbAggregate;
    fallbacks: DbAggregate;
    lead: DbAggregate;
  } & Partial<Record<'lead_p90' | ChangeMetric, DbAggregate>>;
  // The window's row and, with weeks, each week's in one statement:
  // GROUPING(week) is 1 on the row of the whole window.
  const rows: Array<Row & { overall: DbAggregate; week: DbAggregate }> =
    await serviceChanges(ctx)
      .modify(q => {
        if (weeks) q.groupByRaw(`GROUPING SETS ((), (${week}))`);
      })
      .select(
        db.raw(weeks ? `GROUPING(${week}) AS overall` : '1 AS overall'),
        db.raw(weeks ? `${week} AS week` : 'NULL AS week'),
        db.raw('COUNT(*) AS changes'),
        db.raw('SUM(c.fallback) AS fallbacks'),
        ...(ctx.headline
          ? [cont('lead', 0.5, 'lead')]
          : [
              cont('lead', 0.9, 'lead_p90'),
              ...CHANGE_METRICS.map(m => cont(m, 0.5, m)),
            ]),
      );
  const row = rows.find(r => num(r.overall) === 1)!;
  const weekly = rows.filter(r => num(r.overall) !== 1);
  return {
    changes: num(row.changes),
    prOpenFallbacks: num(row.fallbacks),
    leadMedianMs: numOrNull(row.lead),
    leadP90Ms: numOrNull(row.lead_p90),
    codingMedianMs: numOrNull(row.coding),
    reviewMedianMs: numOrNull(row.review),
    waitingMedianMs: numOrNull(row.waiting),
    weeklyLead: Array.from({ length: weeks }, (_, w) =>
      numOrNull(weekly.find(r => num(r.week) === w)?.lead),
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
