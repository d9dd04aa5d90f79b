import { num } from '../../conversion';
import { DbAggregate } from '../../tables';
import { WindowSummary } from '../../types';
import { incidentsOpened } from '../filters';
import { SummaryContext } from './context';
import { percentileOf } from './percentiles';

/**
 * Incidents opened in the window, resolved ones and their median duration.
 * With an environment picked, only incidents linked to a deployment in it
 * (there are few incidents: no rollup needed).
 */
export async function incidentFigures(
  ctx: SummaryContext,
): Promise<
  Pick<
    WindowSummary,
    'incidentsOpened' | 'incidentsResolved' | 'incidentMedianMs'
  >
> {
  const { db } = ctx;
  const window = () => incidentsOpened(db, ctx.filter);
  const [row]: Array<
    { opened: DbAggregate; resolved: DbAggregate } | undefined
  > = await window().select(
    db.raw('COUNT(*) AS opened'),
    db.raw('COUNT(i.resolved_at) AS resolved'),
  );
  const duration =
    'CASE WHEN i.resolved_at < i.opened_at THEN 0 ELSE i.resolved_at - i.opened_at END';
  const incidentMedianMs = await percentileOf(
    num(row?.resolved),
    0.5,
    async k => {
      const rows: Array<{ v: DbAggregate }> = await window()
        .whereNotNull('i.resolved_at')
        .orderByRaw(duration)
        .offset(k)
        .limit(2)
        .select(db.raw(`${duration} AS v`));
      return rows.map(r => num(r.v));
    },
  );
  return {
    incidentsOpened: num(row?.opened),
    incidentsResolved: num(row?.resolved),
    incidentMedianMs,
  };
}
