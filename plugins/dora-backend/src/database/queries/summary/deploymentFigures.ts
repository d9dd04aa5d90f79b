import { Knex } from 'knex';
import { deploymentCounts, num, numOrNull } from '../../conversion';
import {
  DEPLOYMENT_ROLLUP_COLUMNS,
  liveDeploymentRollups,
} from '../../operations/rollups/deploymentRollups';
import { DbAggregate, DbDeploymentSums } from '../../tables';
import { WindowSummary } from '../../types';
import { isPostgres } from '../../util';
import { scoped } from '../filters';
import { Coalescer, perDatabase, windowsOf } from './coalesce';
import { rollupRows, rowsKey, SummaryContext } from './context';
import { percentileOf } from './percentiles';

/**
 * The stale days of windows (whole days [fromDay, toDay)) asked for
 * together, in one query over their span.
 */
const staleDaysReader = perDatabase(
  db =>
    new Coalescer<{ fromDay: number; toDay: number }, number[]>(
      async windows => {
        const rows: Array<{ day: number }> = await db('dora_rollup_dirty_days')
          .where('day', '>=', Math.min(...windows.map(w => w.fromDay)))
          .andWhere('day', '<', Math.max(...windows.map(w => w.toDay)))
          .distinct('day');
        const days = rows.map(row => Number(row.day));
        return windows.map(w =>
          days.filter(day => day >= w.fromDay && day < w.toDay),
        );
      },
    ),
);

/**
 * Days of the window whose deployment rollups ingestion made stale and
 * the background refresh has not recomputed yet: usually none, a few
 * while events arrive. They are computed from the raw rows here, so a
 * read never waits for a refresh (nor a refresh for a read). GET /metrics
 * reads those of its two windows in one query.
 */
export function staleDaysOf(ctx: SummaryContext): Promise<number[]> {
  return staleDaysReader(ctx.db).read('', {
    fromDay: ctx.fromDay,
    toDay: ctx.toDay,
  });
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

/** The failed deployments of the target, in the scope, recovered in [from, to). */
function recoveredDeployments(
  ctx: SummaryContext,
  from: number,
  to: number,
): Knex.QueryBuilder {
  const deployments = scoped(ctx.db('dora_deployments as d'), 'd', ctx.filter);
  if (ctx.environment !== undefined) {
    deployments.where('d.environment', ctx.environment);
  }
  return deployments
    .whereNotNull(`d.${ctx.tables.recovery}`)
    .andWhere('d.finished_at', '>=', from)
    .andWhere('d.finished_at', '<', to);
}

/**
 * PostgreSQL: the median recovery of windows of the same scope and target
 * asked for together, in one query over their span (percentile_cont
 * interpolates as percentile() does), without waiting for the counts.
 */
const recoveryMedianReader = perDatabase(
  db =>
    new Coalescer<SummaryContext, number | null>(async contexts => {
      const windows = windowsOf(contexts, 'd.finished_at');
      const recovery = `d.${contexts[0].tables.recovery}`;
      const [row]: Array<Record<string, DbAggregate> | undefined> =
        await recoveredDeployments(
          contexts[0],
          windows.from,
          windows.to,
        ).select(
          contexts.map((_, i) =>
            db.raw(
              `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${recovery})
                 FILTER (WHERE ${windows.inWindow(i)}) AS median_${i}`,
              windows.bindings,
            ),
          ),
        );
      return contexts.map((_, i) => numOrNull(row?.[`median_${i}`]));
    }),
);

/** SQLite: the median recovery ranked directly, once the count is known. */
function rankedRecoveryMedian(
  ctx: SummaryContext,
  recovered: number,
): Promise<number | null> {
  const recovery = `d.${ctx.tables.recovery}`;
  return percentileOf(recovered, 0.5, async k => {
    const rows: Array<{ v: DbAggregate }> = await recoveredDeployments(
      ctx,
      ctx.from,
      ctx.to,
    )
      .orderBy(recovery)
      .offset(k)
      .limit(2)
      .select(`${recovery} as v`);
    return rows.map(r => num(r.v));
  });
}

export type WeekRow = {
  week: DbAggregate;
  deployments: DbAggregate;
  failed: DbAggregate;
};

/** The sums of the window's deployment rollup rows of one day. */
type DayRow = { day: DbAggregate } & Omit<DbDeploymentSums, 'deployment_days'>;

const SUMMED = [
  'deployments',
  'unplanned',
  'failed',
  'by_incident',
  'by_rollback',
  'by_hotfix',
  'recovered',
] as const;

/**
 * The deployment counts of the window, the median recovery and (when
 * asked for) the deployments and failed ones per week: from one read of
 * the window's rows summed per day (at most one row a day), added up
 * here, rather than one query for the totals and one for the weeks, which
 * each computed the stale days from the raw rows again.
 */
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
  > & { weeklyRows: WeekRow[] }
> {
  const { db } = ctx;
  const [days, medianInDatabase]: [DayRow[], number | null | undefined] =
    await Promise.all([
      deploymentDays(ctx, staleDays)
        .groupBy('day')
        .select(
          'day',
          ...SUMMED.map(column => db.raw(`SUM(${column}) AS ${column}`)),
        ),
      isPostgres(db)
        ? recoveryMedianReader(db).read(rowsKey(ctx), ctx)
        : undefined,
    ]);
  const totals: DbDeploymentSums = {
    deployments: 0,
    unplanned: 0,
    failed: 0,
    by_incident: 0,
    by_rollback: 0,
    by_hotfix: 0,
    recovered: 0,
    // A day has a row when at least one deployment counts there.
    deployment_days: days.length,
  };
  const weeks = new Map<number, { deployments: number; failed: number }>();
  for (const row of days) {
    for (const column of SUMMED) {
      totals[column] = num(totals[column]) + num(row[column]);
    }
    if (ctx.weeks) {
      // As (day - fromDay) / 7 in SQL: whole days from the window's start.
      const week = Math.floor((num(row.day) - ctx.fromDay) / 7);
      const w = weeks.get(week) ?? { deployments: 0, failed: 0 };
      w.deployments += num(row.deployments);
      w.failed += num(row.failed);
      weeks.set(week, w);
    }
  }
  const recovered = num(totals.recovered);
  return {
    ...deploymentCounts(totals),
    recovered,
    recoveryMedianMs:
      medianInDatabase !== undefined
        ? medianInDatabase
        : await rankedRecoveryMedian(ctx, recovered),
    weeklyRows: [...weeks].map(([week, w]) => ({ week, ...w })),
  };
}
