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
import { RawFigures } from '../database/types';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

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

export function computeFigures(
  raw: RawFigures,
  from: number,
  to: number,
): DoraFigures {
  const days = Math.max((to - from) / DAY_MS, 1 / 24);
  const perDay = raw.deployments / days;

  const lead = raw.changes.map(leadTimeOf);
  const totals = lead.map(l => l.total).sort((a, b) => a - b);
  const leadMedian = percentile(totals, 0.5);
  const pick = (k: 'coding' | 'review' | 'waiting') =>
    lead.map(l => l[k]).filter((v): v is number => v !== null);

  const recoveries = raw.failedDeployments
    .filter(f => f.recoveredAt !== null)
    .map(f => Math.max(0, f.recoveredAt! - f.finishedAt));
  const recoveryMedian = median(recoveries);
  const resolvedIncidents = raw.incidents
    .filter(i => i.resolvedAt !== null)
    .map(i => Math.max(0, i.resolvedAt! - i.openedAt));

  const cfr = raw.deployments ? raw.failed / raw.deployments : null;
  return {
    deploymentFrequency: {
      deployments: raw.deployments,
      deploymentDays: raw.deploymentDays,
      perDay,
      perWeek: perDay * 7,
      level: deploymentFrequencyLevel(raw.deployments, perDay),
    },
    leadTime: {
      changes: totals.length,
      medianMs: leadMedian,
      p90Ms: percentile(totals, 0.9),
      prOpenFallbacks: lead.filter(l => l.fallback).length,
      stages: {
        codingMedianMs: median(pick('coding')),
        reviewMedianMs: median(pick('review')),
        waitingToDeployMedianMs: median(pick('waiting')),
      },
      level: leadTimeLevel(totals.length, leadMedian),
    },
    changeFailureRate: {
      deployments: raw.deployments,
      failed: raw.failed,
      rate: cfr,
      byReason: {
        incident: raw.failedByIncident,
        rollback: raw.failedByRollback,
        hotfix: raw.failedByHotfix,
      },
      level: changeFailureRateLevel(raw.deployments, cfr),
    },
    recoveryTime: {
      failedDeployments: raw.failedDeployments.length,
      recovered: recoveries.length,
      unrecovered: raw.failedDeployments.length - recoveries.length,
      medianMs: recoveryMedian,
      incidents: {
        opened: raw.incidents.length,
        resolved: resolvedIncidents.length,
        open: raw.incidents.length - resolvedIncidents.length,
        medianMs: median(resolvedIncidents),
      },
      level: recoveryTimeLevel(recoveries.length, recoveryMedian),
    },
    reworkRate: {
      deployments: raw.deployments,
      unplanned: raw.unplanned,
      rate: raw.deployments ? raw.unplanned / raw.deployments : null,
      level:
        raw.deployments < DORA_LEVEL_THRESHOLDS.minimumSample.deployments
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
export function computeWeekly(
  raw: RawFigures,
  from: number,
  to: number,
): DoraWeek[] {
  const weeks = Math.max(1, Math.ceil((to - from) / WEEK_MS));
  const leadByWeek: number[][] = Array.from({ length: weeks }, () => []);
  for (const c of raw.changes) {
    const w = Math.floor((c.deployedAt - from) / WEEK_MS);
    if (w >= 0 && w < weeks) leadByWeek[w].push(leadTimeOf(c).total);
  }
  return Array.from({ length: weeks }, (_, w) => {
    const row = raw.weekly.find(r => r.week === w);
    return {
      weekStart: new Date(from + w * WEEK_MS).toISOString(),
      deployments: row?.deployments ?? 0,
      failedDeployments: row?.failed ?? 0,
      leadTimeMedianMs: median(leadByWeek[w]),
    };
  });
}
