import { Knex } from 'knex';
import { DAY_MS, WEEK_MS } from '@internal/paved-road-common';
import { MetricsFilter, SummaryOptions } from '../../types';
import { scoped } from '../filters';

/** Whose rows: the organisation, owners (a team) or services. */
export type Scope =
  | { kind: 'org' }
  | { kind: 'owner'; refs: string[] }
  | { kind: 'service'; refs: string[] };

/** What the parts of a rollup summary share: the window, scope and tables. */
export interface SummaryContext {
  db: Knex;
  filter: MetricsFilter;
  from: number;
  to: number;
  fromDay: number;
  toDay: number;
  /** Weekly buckets from `from` (0 when not asked for). */
  weeks: number;
  headline: boolean;
  scope: Scope;
  environment?: string;
  /** The default target's tables, or a picked environment's (its rows only). */
  tables: {
    changes: 'dora_changes' | 'dora_change_environments';
    changeDays: string;
    deploymentDays: string;
    recovery: 'recovery_ms' | 'env_recovery_ms';
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

export function summaryContext(
  db: Knex,
  filter: MetricsFilter,
  options: SummaryOptions,
): SummaryContext {
  const { from, to, environment } = filter;
  return {
    db,
    filter,
    from,
    to,
    fromDay: from / DAY_MS,
    toDay: to / DAY_MS,
    weeks: options.weekly ? Math.max(1, Math.ceil((to - from) / WEEK_MS)) : 0,
    headline: Boolean(options.headline),
    scope: scopeOf(filter),
    environment,
    tables:
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
          },
  };
}

/**
 * The key of windows whose raw rows one query can read together (same
 * scope and target; Coalescer groups).
 */
export function rowsKey(ctx: SummaryContext): string {
  const { serviceRefs, ownerRefs, environment } = ctx.filter;
  return JSON.stringify([serviceRefs, ownerRefs, environment]);
}

/** The changes (alias c) of the target, in the scope. */
export function targetChanges(ctx: SummaryContext): Knex.QueryBuilder {
  const q = scoped(ctx.db(`${ctx.tables.changes} as c`), 'c', ctx.filter);
  if (ctx.environment !== undefined) q.where('c.environment', ctx.environment);
  return q;
}

/** Restricts a rollup table to the scope's rows and the days [a, b). */
export function rollupRows(
  ctx: SummaryContext,
  table: string,
  a: number,
  b: number,
): Knex.QueryBuilder {
  const { scope } = ctx;
  const q = ctx
    .db(table)
    .where('scope_kind', scope.kind)
    .andWhere('day', '>=', a)
    .andWhere('day', '<', b);
  if (scope.kind === 'org') q.andWhere('scope_ref', '');
  else q.whereIn('scope_ref', scope.refs);
  if (ctx.environment !== undefined) q.andWhere('environment', ctx.environment);
  return q;
}

/** The week (from `from`) of a rollup row's day, in SQL. */
export function weekOfDay(ctx: SummaryContext): string {
  return `(day - ${ctx.fromDay}) / 7`;
}
