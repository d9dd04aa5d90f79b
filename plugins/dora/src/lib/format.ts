import { DAY_MS, HOUR_MS, MINUTE_MS } from '@internal/paved-road-common';
import { PerformanceLevel, TrendDirection } from '@internal/plugin-dora-common';

function round1(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '');
}

/** A duration in the unit a person would say it in: "45 min", "5.2 h", "3.1 days". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < MINUTE_MS) return `${Math.round(ms / 1000)} s`;
  if (ms < HOUR_MS) return `${Math.round(ms / MINUTE_MS)} min`;
  if (ms < 2 * DAY_MS) return `${round1(ms / HOUR_MS)} h`;
  return `${round1(ms / DAY_MS)} days`;
}

/** A 0..1 rate as a percentage, "—" when there is nothing to divide by. */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const pct = rate * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

/**
 * Deployment frequency in the unit that reads best: per day when there is at
 * least one a day, per week otherwise.
 */
export function formatFrequency(perDay: number, perWeek: number): string {
  if (perDay >= 1) return `${round1(perDay)} / day`;
  return `${round1(perWeek)} / week`;
}

export const LEVEL_LABELS: Record<PerformanceLevel, string> = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  'insufficient-data': 'Insufficient data',
  'no-threshold': 'No benchmark',
};

export const TREND_LABELS: Record<TrendDirection, string> = {
  better: 'Better',
  worse: 'Worse',
  same: 'No change',
  unknown: 'No comparison',
};

/** "1 Mar" in UTC, the calendar the backend buckets weeks in. */
export function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

/** "1 Mar 2026, 14:05 UTC". */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  })} UTC`;
}

/** "3 of 40 (7.5 %)". */
export function formatShare(part: number, whole: number): string {
  return `${part} of ${whole} (${formatPercent(whole ? part / whole : null)})`;
}
