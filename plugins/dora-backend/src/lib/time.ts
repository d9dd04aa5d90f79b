/** Milliseconds in a UTC day: days are epoch ms / DAY_MS, rounded down. */
export const DAY_MS = 86_400_000;
/** Milliseconds in the 7-day buckets counted from a window's start. */
export const WEEK_MS = 7 * DAY_MS;
