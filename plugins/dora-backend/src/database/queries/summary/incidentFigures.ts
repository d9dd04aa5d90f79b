import { num } from '../../conversion';
import { DbAggregate } from '../../tables';
import { WindowSummary } from '../../types';
import { incidentsOpened } from '../filters';
import { Coalescer, perDatabase } from './coalesce';
import { SummaryContext } from './context';
import { percentileOf } from './percentiles';

type Counts = { opened: DbAggregate; resolved: DbAggregate };

/**
 * Incidents opened in each window and resolved ones, for windows of the
 * same scope and target asked for together, in one query over their span.
 */
const incidentCountsReader = perDatabase(
  db =>
    new Coalescer<SummaryContext, Counts>(async contexts => {
      const inWindow = (i: number) =>
        `i.opened_at >= :from${i} AND i.opened_at < :to${i}`;
      const bindings: Record<string, number> = {};
      contexts.forEach(({ from, to }, i) => {
        bindings[`from${i}`] = from;
        bindings[`to${i}`] = to;
      });
      const [row]: Array<Record<string, DbAggregate> | undefined> =
        await incidentsOpened(db, {
          ...contexts[0].filter,
          from: Math.min(...contexts.map(c => c.from)),
          to: Math.max(...contexts.map(c => c.to)),
        }).select(
          contexts.flatMap((_, i) => [
            db.raw(
              `SUM(CASE WHEN ${inWindow(i)} THEN 1 ELSE 0 END) AS opened_${i}`,
              bindings,
            ),
            db.raw(
              `SUM(CASE WHEN ${inWindow(
                i,
              )} AND i.resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS resolved_${i}`,
              bindings,
            ),
          ]),
        );
      return contexts.map((_, i) => ({
        opened: row?.[`opened_${i}`] ?? null,
        resolved: row?.[`resolved_${i}`] ?? null,
      }));
    }),
);

/** Incidents opened in the window of `ctx` and resolved ones. */
function incidentCounts(ctx: SummaryContext): Promise<Counts> {
  const { serviceRefs, ownerRefs, environment } = ctx.filter;
  return incidentCountsReader(ctx.db).read(
    JSON.stringify([serviceRefs, ownerRefs, environment]),
    ctx,
  );
}

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
  const row = await incidentCounts(ctx);
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
