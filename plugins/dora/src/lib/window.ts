/**
 * The window the figures cover: one of the presets (the last 30, 90 or 180
 * UTC days, today included) or a custom range of whole UTC days.
 */

import { DAY_MS } from '@internal/paved-road-common';

/** The presets of the window picker, in days. */
export const WINDOW_DAYS = [30, 90, 180] as const;
export type WindowDays = (typeof WINDOW_DAYS)[number];

/** The window when neither the URL nor the user picks one. */
export const DEFAULT_WINDOW_DAYS: WindowDays = 30;

/** The longest range the backend serves (3 years of 366 days). */
export const MAX_RANGE_DAYS = 3 * 366;

/**
 * The figures' window. A custom range is two UTC days as `YYYY-MM-DD`, both
 * included: `to` is the last day counted, so `from === to` is one day.
 */
export type DoraWindow =
  | { kind: 'preset'; days: WindowDays }
  | { kind: 'custom'; from: string; to: string };

export const DEFAULT_WINDOW: DoraWindow = {
  kind: 'preset',
  days: DEFAULT_WINDOW_DAYS,
};

/** Milliseconds of the UTC midnight starting `day`, or NaN for a bad day. */
function parseDay(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return NaN;
  const [year, month, date] = match.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, date);
  // Date.UTC rolls 2026-02-30 over to 2 March: not a day anyone picked.
  const back = new Date(ms);
  return back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === date
    ? ms
    : NaN;
}

/** `YYYY-MM-DD` of the UTC day `ms` falls in. */
export function toDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Today as a UTC day, `YYYY-MM-DD`. */
export function today(now = Date.now()): string {
  return toDay(now);
}

/** Whether `value` is one of the preset windows. */
export function isWindowDays(value: number): value is WindowDays {
  return (WINDOW_DAYS as readonly number[]).includes(value);
}

/**
 * What is wrong with a custom range, in words for the person who picked it;
 * `undefined` when the backend can serve it.
 */
export function rangeError(
  from: string,
  to: string,
  now = Date.now(),
): string | undefined {
  const start = parseDay(from);
  const end = parseDay(to);
  if (Number.isNaN(start) || Number.isNaN(end)) {
    return 'Enter both dates.';
  }
  if (start > end) return 'The start date must be on or before the end date.';
  if (end > parseDay(today(now))) {
    return `The end date cannot be in the future (today is ${today(now)} UTC).`;
  }
  if ((end - start) / DAY_MS + 1 > MAX_RANGE_DAYS) {
    return 'The range can be at most 3 years.';
  }
  return undefined;
}

/**
 * The query window `[from, to)` as ISO timestamps. A preset is the last
 * `days` UTC days, today included; a range runs from the UTC midnight
 * starting `from` to the one ending `to`. Whole days are what the backend's
 * rollups serve (and a re-render does not change the query).
 */
export function windowQuery(
  window: DoraWindow,
  now = Date.now(),
): { from: string; to: string } {
  if (window.kind === 'custom') {
    return {
      from: new Date(parseDay(window.from)).toISOString(),
      to: new Date(parseDay(window.to) + DAY_MS).toISOString(),
    };
  }
  const to = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
  return {
    from: new Date(to - window.days * DAY_MS).toISOString(),
    to: new Date(to).toISOString(),
  };
}

/** How many days the window covers (the previous window is as long). */
export function windowLength(window: DoraWindow): number {
  if (window.kind === 'preset') return window.days;
  return Math.round((parseDay(window.to) - parseDay(window.from)) / DAY_MS) + 1;
}

/**
 * The two days a range picker starts from for `window`: the range itself,
 * or the first and last day of the preset.
 */
export function windowBounds(
  window: DoraWindow,
  now = Date.now(),
): { from: string; to: string } {
  if (window.kind === 'custom') return { from: window.from, to: window.to };
  const { from, to } = windowQuery(window, now);
  return { from: toDay(Date.parse(from)), to: toDay(Date.parse(to) - DAY_MS) };
}

function formatDate(day: string): string {
  return new Date(parseDay(day)).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/**
 * The window in a sentence: "in the last 30 days", "from 1 Jun 2025 to 31
 * Aug 2025".
 */
export function windowPhrase(window: DoraWindow): string {
  if (window.kind === 'preset') return `in the last ${window.days} days`;
  return window.from === window.to
    ? `on ${formatDate(window.from)}`
    : `from ${formatDate(window.from)} to ${formatDate(window.to)}`;
}

/**
 * The window as the page's URL holds it: `window=90` for a preset other than
 * the default, `from` and `to` (`YYYY-MM-DD`, `to` included) for a range.
 * Every key is listed, so that setting one kind removes the other.
 */
export function windowParams(
  window: DoraWindow,
): Record<'window' | 'from' | 'to', string | undefined> {
  if (window.kind === 'custom') {
    return { window: undefined, from: window.from, to: window.to };
  }
  return {
    window:
      window.days === DEFAULT_WINDOW_DAYS ? undefined : String(window.days),
    from: undefined,
    to: undefined,
  };
}

/**
 * The window a URL names. A range the picker would refuse (a bad date, the
 * wrong way round, in the future, too long) is ignored like any value the
 * page cannot show: then `window`, then the default.
 */
export function windowFromParams(
  params: URLSearchParams,
  now = Date.now(),
): DoraWindow {
  const from = params.get('from');
  const to = params.get('to');
  if (from !== null && to !== null && !rangeError(from, to, now)) {
    return { kind: 'custom', from, to };
  }
  const days = Number(params.get('window'));
  return isWindowDays(days) ? { kind: 'preset', days } : DEFAULT_WINDOW;
}

/** One string per window, for memo keys and comparisons. */
export function windowKey(window: DoraWindow): string {
  return window.kind === 'preset'
    ? String(window.days)
    : `${window.from}..${window.to}`;
}
