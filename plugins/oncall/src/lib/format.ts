import { DAY_MS, HOUR_MS, MINUTE_MS } from '@internal/paved-road-common';
import { ANNOTATION_ON_CALL } from '@internal/plugin-oncall-common';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** The source as people name it: `pagerduty` is "PagerDuty". */
export function providerName(providerId: string): string {
  switch (providerId) {
    case 'pagerduty':
      return 'PagerDuty';
    case 'annotation':
      return `the ${ANNOTATION_ON_CALL} annotation`;
    default:
      return providerId;
  }
}

/** 1 is the primary, 2 the secondary; higher levels by number. */
export function levelName(level: number): string {
  if (level === 1) return 'Primary';
  if (level === 2) return 'Secondary';
  return `Level ${level}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local `HH:MM`, 24-hour, whatever the browser's locale. */
export function clockTime(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Days from `now`'s local day to `date`'s: 0 today, 1 tomorrow, -1 yesterday. */
function dayOffset(date: Date, now: Date): number {
  const midnight = (d: Date) =>
    new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((midnight(date) - midnight(now)) / DAY_MS);
}

/**
 * A moment near `now` as a person on call reads it, in local time: `02:14`
 * today, `tomorrow 09:00`, `yesterday 21:00`, `Fri 09:00` within the week
 * ahead, else `Mon 12 Jan 09:00` (with the year when it is another).
 */
export function whenText(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const time = clockTime(date);
  const offset = dayOffset(date, now);
  if (offset === 0) return time;
  if (offset === 1) return `tomorrow ${time}`;
  if (offset === -1) return `yesterday ${time}`;
  const weekday = WEEKDAYS[date.getDay()];
  if (offset > 1 && offset < 7) return `${weekday} ${time}`;
  const year =
    date.getFullYear() === now.getFullYear() ? '' : ` ${date.getFullYear()}`;
  return `${weekday} ${date.getDate()} ${
    MONTHS[date.getMonth()]
  }${year} ${time}`;
}

/** How long ago `iso` was: `just now`, `12 min ago`, `3 h ago`, `2 days ago`. */
export function ageText(iso: string, now: Date = new Date()): string {
  const age = Math.max(0, now.getTime() - new Date(iso).getTime());
  if (age < MINUTE_MS) return 'just now';
  if (age < HOUR_MS) return `${Math.floor(age / MINUTE_MS)} min ago`;
  if (age < 2 * DAY_MS) return `${Math.floor(age / HOUR_MS)} h ago`;
  return `${Math.floor(age / DAY_MS)} days ago`;
}
