import { Knex } from 'knex';
import { deploymentCounts, num } from '../../conversion';
import {
  DEPLOYMENT_ROLLUP_COLUMNS,
  liveDeploymentRollups,
} from '../../operations/rollups/deploymentRollups';
import { DbAggregate, DbDeploymentSums } from '../../tables';
import { WindowSummary } from '../../types';
import { scoped } from '../filters';
import { rollupRows, SummaryContext, weekOfDay } from './context';
import { percentileOf } from './percentiles';

/**
 * Days of the window whose deployment rollups ingestion made stale and
 * the background refresh has not recomputed yet: usually none, a few
 * while events arrive. They are computed from the raw rows here, so a
 * read never waits for a refresh (nor a refresh for a read).
 */
export async function staleDaysOf(ctx: SummaryContext): Promise<number[]> {
  const rows: Array<{ day: number }> = await ctx
    .db('dora_rollup_dirty_days')
    .where('day', '>=', ctx.fromDay)
    .andWhere('day', '<', ctx.toDay)
    .distinct('day');
  return rows.map(row => Number(row.day));
}

/** The scope's deployment rollup rows of the window, stale days live. */
function deploymentDays(
  ctx: SummaryContext,
  staleDays: number[],
): Knex.QueryBuilder {
  const { db, scope } = ctx;
  const stored = rollupRows(
    ctx,
    ctx.tables.deploymentDays,
    ctx.fromDay,
    ctx.toDay,
  );
  if (!staleDays.length) return stored;
  const live = liveDeploymentRollups(
    db,
    { environment: ctx.environment },
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
}

/** Median recovery of the window's failed deployments, ranked directly. */
async function recoveryMedian(
  ctx: SummaryContext,
  recovered: number,
): Promise<number | null> {
  const { db, tables } = ctx;
  return percentileOf(recovered, 0.5, async k => {
    const deployments = scoped(db('dora_deployments as d'), 'd', ctx.filter);
    if (ctx.environment !== undefined) {
      deployments.where('d.environment', ctx.environment);
    }
    const rows: Array<{ v: DbAggregate }> = await deployments
      .whereNotNull(`d.${tables.recovery}`)
      .andWhere('d.finished_at', '>=', ctx.from)
      .andWhere('d.finished_at', '<', ctx.to)
      .orderBy(`d.${tables.recovery}`)
      .offset(k)
      .limit(2)
      .select(`d.${tables.recovery} as v`);
    return rows.map(r => num(r.v));
  });
}

/** The deployment counts of the window and the median recovery. */
export async function deploymentFigures(
  ctx: SummaryContext,
  staleDays: number[],
): Promise<
  Pick<
    WindowSummary,
    | 'deployments'
    | 'deploymentDays'
    | 'unplanned'
    | 'failed'
    | 'failedByIncident'
    | 'failedByRollback'
    | 'failedByHotfix'
    | 'recovered'
    | 'recoveryMedianMs'
  >
> {
  const { db } = ctx;
  const [totals]: Array<DbDeploymentSums | undefined> = await deploymentDays(
    ctx,
    staleDays,
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
  return {
    ...deploymentCounts(totals),
    recovered,
    recoveryMedianMs: await recoveryMedian(ctx, recovered),
  };
}

export type WeekRow = {
  week: DbAggregate;
  deployments: DbAggregate;
  failed: DbAggregate;
};

/** Deployments and failed ones per week of the window (none unless asked). */
export async function weeklyDeployments(
  ctx: SummaryContext,
  staleDays: number[],
): Promise<WeekRow[]> {
  if (!ctx.weeks) return [];
  const { db } = ctx;
  const week = weekOfDay(ctx);
  return deploymentDays(ctx, staleDays)
    .groupByRaw(week)
    .select(
      db.raw(`${week} AS week`),
      db.raw('SUM(deployments) AS deployments'),
      db.raw('SUM(failed) AS failed'),
    );
}
