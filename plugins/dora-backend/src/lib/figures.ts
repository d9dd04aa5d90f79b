/*
 * The figure maths: percentiles, lead time of a change, a window's summary
 * from raw rows, and the DORA figures, trends and weeks from a summary.
 * Pure functions, used by the store (raw path, service ranking) and by the
 * metrics service.
 */
import {
  DORA_LEVEL_THRESHOLDS,
  DoraFigures,
  DoraTrend,
  DoraWeek,
  TrendDirection,
  changeFailureRateLevel,
  deploymentFrequencyLevel,
  leadTimeLevel,
  recoveryTimeLevel,
} from '@internal/plugin-dora-common';
import type { RawFigures, WindowSummary } from '../database/types';
import { DAY_MS, WEEK_MS } from '@internal/paved-road-common';

/**
 * Percentile with linear interpolation between closest ranks (the definition
 * of PostgreSQL's percentile_cont), over values sorted ascending.
 */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function median(values: number[]): number | null {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Lead time of one change: start, and the three stages where known. */
export function leadTimeOf(c: RawFigures['changes'][number]) {
  const fallback = c.squashMerge && c.prOpenedAt !== null;
  const start = fallback ? c.prOpenedAt! : c.authoredAt;
  return {
    fallback,
    total: Math.max(0, c.deployedAt - start),
    // For a squash merge the branch commits are unknown: no coding stage.
    coding:
      !fallback && c.prOpenedAt !== null
        ? Math.max(0, c.prOpenedAt - c.authoredAt)
        : null,
    review:
      c.prOpenedAt !== null && c.mergedAt !== null
        ? Math.max(0, c.mergedAt - c.prOpenedAt)
        : null,
    waiting:
      c.mergedAt !== null ? Math.max(0, c.deployedAt - c.mergedAt) : null,
  };
}

/**
 * The window's summary from raw rows (the raw path: windows the rollups do
 * not cover, and the reference the rollups are checked against).
 */
export function summarizeRaw(
  raw: RawFigures,
  from: number,
  to: number,
  weekly: boolean,
): WindowSummary {
  const lead = raw.changes.map(leadTimeOf);
  const totals = lead.map(l => l.total).sort((a, b) => a - b);
  const pick = (k: 'coding' | 'review' | 'waiting') =>
    lead.map(l => l[k]).filter((v): v is number => v !== null);
  const recoveries = raw.failedDeployments
    .filter(f => f.recoveredAt !== null)
    .map(f => Math.max(0, f.recoveredAt! - f.finishedAt));
  const resolvedIncidents = raw.incidents
    .filter(i => i.resolvedAt !== null)
    .map(i => Math.max(0, i.resolvedAt! - i.openedAt));

  const weeks = weekly ? Math.max(1, Math.ceil((to - from) / WEEK_MS)) : 0;
  const leadByWeek: number[][] = Array.from({ length: weeks }, () => []);
  for (const c of raw.changes) {
    const w = Math.floor((c.deployedAt - from) / WEEK_MS);
    if (w >= 0 && w < weeks) leadByWeek[w].push(leadTimeOf(c).total);
  }
  return {
    deployments: raw.deployments,
    deploymentDays: raw.deploymentDays,
    unplanned: raw.unplanned,
    failed: raw.failed,
    failedByIncident: raw.failedByIncident,
    failedByRollback: raw.failedByRollback,
    failedByHotfix: raw.failedByHotfix,
    recovered: recoveries.length,
    recoveryMedianMs: median(recoveries),
    changes: totals.length,
    prOpenFallbacks: lead.filter(l => l.fallback).length,
    leadMedianMs: percentile(totals, 0.5),
    leadP90Ms: percentile(totals, 0.9),
    codingMedianMs: median(pick('coding')),
    reviewMedianMs: median(pick('review')),
    waitingMedianMs: median(pick('waiting')),
    incidentsOpened: raw.incidents.length,
    incidentsResolved: resolvedIncidents.length,
    incidentMedianMs: median(resolvedIncidents),
    weekly: Array.from({ length: weeks }, (_, w) => {
      const row = raw.weekly.find(r => r.week === w);
      return {
        deployments: row?.deployments ?? 0,
        failed: row?.failed ?? 0,
        leadMedianMs: median(leadByWeek[w]),
      };
    }),
  };
}

export function computeFigures(
  s: WindowSummary,
  from: number,
  to: number,
): DoraFigures {
  const days = Math.max((to - from) / DAY_MS, 1 / 24);
  const perDay = s.deployments / days;
  const cfr = s.deployments ? s.failed / s.deployments : null;
  return {
    deploymentFrequency: {
      deployments: s.deployments,
      deploymentDays: s.deploymentDays,
      perDay,
      perWeek: perDay * 7,
      level: deploymentFrequencyLevel(s.deployments, perDay),
    },
    leadTime: {
      changes: s.changes,
      medianMs: s.leadMedianMs,
      p90Ms: s.leadP90Ms,
      prOpenFallbacks: s.prOpenFallbacks,
      stages: {
        codingMedianMs: s.codingMedianMs,
        reviewMedianMs: s.reviewMedianMs,
        waitingToDeployMedianMs: s.waitingMedianMs,
      },
      level: leadTimeLevel(s.changes, s.leadMedianMs),
    },
    changeFailureRate: {
      deployments: s.deployments,
      failed: s.failed,
      rate: cfr,
      byReason: {
        incident: s.failedByIncident,
        rollback: s.failedByRollback,
        hotfix: s.failedByHotfix,
      },
      level: changeFailureRateLevel(s.deployments, cfr),
    },
    recoveryTime: {
      failedDeployments: s.failed,
      recovered: s.recovered,
      unrecovered: s.failed - s.recovered,
      medianMs: s.recoveryMedianMs,
      incidents: {
        opened: s.incidentsOpened,
        resolved: s.incidentsResolved,
        open: s.incidentsOpened - s.incidentsResolved,
        medianMs: s.incidentMedianMs,
      },
      level: recoveryTimeLevel(s.recovered, s.recoveryMedianMs),
    },
    reworkRate: {
      deployments: s.deployments,
      unplanned: s.unplanned,
      rate: s.deployments ? s.unplanned / s.deployments : null,
      level:
        s.deployments < DORA_LEVEL_THRESHOLDS.minimumSample.deployments
          ? 'insufficient-data'
          : 'no-threshold',
    },
  };
}

function direction(
  current: number | null,
  previous: number | null,
  higherIsBetter: boolean,
): TrendDirection {
  if (current === null || previous === null) return 'unknown';
  if (current === previous) return 'same';
  return current > previous === higherIsBetter ? 'better' : 'worse';
}

export function computeTrend(cur: DoraFigures, prev: DoraFigures): DoraTrend {
  return {
    deploymentFrequency: direction(
      cur.deploymentFrequency.perDay,
      prev.deploymentFrequency.perDay,
      true,
    ),
    leadTime: direction(cur.leadTime.medianMs, prev.leadTime.medianMs, false),
    changeFailureRate: direction(
      cur.changeFailureRate.rate,
      prev.changeFailureRate.rate,
      false,
    ),
    recoveryTime: direction(
      cur.recoveryTime.medianMs,
      prev.recoveryTime.medianMs,
      false,
    ),
    reworkRate: direction(cur.reworkRate.rate, prev.reworkRate.rate, false),
  };
}

/** 7-day buckets from `from`; the last one may be shorter. */
export function computeWeekly(s: WindowSummary, from: number): DoraWeek[] {
  return s.weekly.map((w, i) => ({
    weekStart: new Date(from + i * WEEK_MS).toISOString(),
    deployments: w.deployments,
    failedDeployments: w.failed,
    leadTimeMedianMs: w.leadMedianMs,
  }));
}
