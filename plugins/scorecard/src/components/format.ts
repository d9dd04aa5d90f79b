import { DAY_MS, HOUR_MS, MINUTE_MS } from '@internal/paved-road-common';
import {
  CheckState,
  CheckWeight,
  LevelDefinition,
} from '@internal/plugin-scorecard-common';

/** A 0..1 score as a whole percentage; "—" when nothing applies. */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined) return '—';
  return `${Math.round(score * 100)} %`;
}

/** The level's title from the levels in force, or "No level". */
export function levelLabel(
  level: string | null | undefined,
  levels: LevelDefinition[] = [],
): string {
  if (!level) return 'No level';
  const title = levels.find(l => l.id === level)?.title;
  return title ?? level.charAt(0).toLocaleUpperCase('en') + level.slice(1);
}

export const STATE_LABELS: Record<CheckState, string> = {
  pass: 'Pass',
  fail: 'Fail',
  warn: 'Warning',
  exempt: 'Exempt',
  not_applicable: 'Not applicable',
  no_data: 'No data',
  error: 'Error',
};

/** A check's weight as a severity: "Critical", "High", "Medium", "Low". */
export function severityLabel(weight: CheckWeight): string {
  return weight.charAt(0).toLocaleUpperCase('en') + weight.slice(1);
}

/** "just now", "5 min ago", "3 h ago", "2 days ago" — relative to `now`. */
export function formatAge(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const ms = Math.max(0, now - at);
  if (ms < MINUTE_MS) return 'just now';
  if (ms < HOUR_MS) return `${Math.floor(ms / MINUTE_MS)} min ago`;
  if (ms < 2 * DAY_MS) return `${Math.floor(ms / HOUR_MS)} h ago`;
  return `${Math.floor(ms / DAY_MS)} days ago`;
}

/** A date-time in UTC, to the minute: "2026-11-25 09:30 UTC". */
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A fact value in a line: strings as they are, the rest as JSON, cut short. */
export function formatFactValue(value: unknown, max = 80): string {
  let text: string;
  if (value === undefined) text = 'missing';
  else if (typeof value === 'string') text = value === '' ? '""' : value;
  else text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
