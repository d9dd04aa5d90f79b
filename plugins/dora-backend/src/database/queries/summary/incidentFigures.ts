import { num, numOrNull } from '../../conversion';
import { DbAggregate } from '../../tables';
import { WindowSummary } from '../../types';
import { isPostgres } from '../../util';
import { incidentsOpened } from '../filters';
import { Coalescer, perDatabase, windowsOf } from './coalesce';
import { rowsKey, SummaryContext } from './context';
import { percentileOf } from './percentiles';

/** Counts, and on PostgreSQL the median duration (undefined on SQLite). */
type Counts = {
  opened: DbAggregate;
  resolved: DbAggregate;
  median?: DbAggregate;
};

const DURATION =
  'CASE WHEN i.resolved_at < i.opened_at THEN 0 ELSE i.resolved_at - i.opened_at END';

/**
 * Incidents opened in each window and resolved ones, for windows of the
 * same scope and target asked for together, in one query over their span.
 * PostgreSQL ranks the durations in the same query (percentile_cont
 * interpolates as percentile() does).
 */
const incidentCountsReader = perDatabase(
  db =>
    new Coalescer<SummaryContext, Counts>(async contexts => {
      const windows = windowsOf(contexts, 'i.opened_at');
      const median = isPostgres(db);
      const [row]: Array<Record<string, DbAggregate> | undefined> =
        await incidentsOpened(db, {
          ...contexts[0].filter,
          from: windows.from,
          to: windows.to,
        }).select(
          contexts.flatMap((_, i) => {
            const opened = windows.inWindow(i);
            const resolved = `${opened} AND i.resolved_at IS NOT NULL`;
            return [
              db.raw(
                `SUM(CASE WHEN ${opened} THEN 1 ELSE 0 END) AS opened_${i}`,
                windows.bindings,
              ),
              db.raw(
                `SUM(CASE WHEN ${resolved} THEN 1 ELSE 0 END) AS resolved_${i}`,
                windows.bindings,
              ),
              ...(median
                ? [
                    db.raw(
                      `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${DURATION})
                         FILTER (WHERE ${resolved}) AS median_${i}`,
                      windows.bindings,
                    ),
                  ]
                : []),
            ];
          }),
        );
      return contexts.map((_, i) => ({
        opened: row?.[`opened_${i}`] ?? null,
        resolved: row?.[`resolved_${i}`] ?? null,
        ...(median ? { median: row?.[`median_${i}`] ?? null } : {}),
      }));
    }),
);

/**
 * Incidents opened in the window, resolved ones and their median duration.
 * With an environment picked, only incidents caused by a deployment in it
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
  const row = await incidentCountsReader(db).read(rowsKey(ctx), ctx);
  const resolved = num(row.resolved);
  const incidentMedianMs =
    row.median !== undefined
      ? numOrNull(row.median)
      : await percentileOf(resolved, 0.5, async k => {
          const rows: Array<{ v: DbAggregate }> = await incidentsOpened(
            db,
            ctx.filter,
          )
            .whereNotNull('i.resolved_at')
            .orderByRaw(DURATION)
            .offset(k)
            .limit(2)
            .select(db.raw(`${DURATION} AS v`));
          return rows.map(r => num(r.v));
        });
  return {
    incidentsOpened: num(row.opened),
    incidentsResolved: resolved,
    incidentMedianMs,
  };
}
