import { Knex } from 'knex';
import { num } from '../../conversion';
import { MetricsFilter, SummaryOptions, WindowSummary } from '../../types';
import { summaryContext } from './context';
import { deploymentFigures, staleDaysOf } from './deploymentFigures';
import { incidentFigures } from './incidentFigures';
import { histogramLeadFigures } from './leadFigures';
import { serviceLeadFigures } from './serviceLeadFigures';

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
  const ctx = summaryContext(db, filter, options);
  // Only the deployment counts depend on the stale days: the lead times
  // and incidents start at once.
  const [{ weeklyRows, ...deployments }, { weeklyLead, ...lead }, incidents] =
    await Promise.all([
      staleDaysOf(ctx).then(staleDays => deploymentFigures(ctx, staleDays)),
      ctx.scope.kind === 'service'
        ? serviceLeadFigures(ctx)
        : histogramLeadFigures(ctx),
      incidentFigures(ctx),
    ]);
  return {
    ...deployments,
    ...lead,
    ...incidents,
    weekly: Array.from({ length: ctx.weeks }, (_, w) => {
      const row = weeklyRows.find(r => num(r.week) === w);
      return {
        deployments: num(row?.deployments),
        failed: num(row?.failed),
        leadMedianMs: weeklyLead[w],
      };
    }),
  };
}
