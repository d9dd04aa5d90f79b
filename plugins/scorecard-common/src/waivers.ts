import { DAY_MS } from '@internal/paved-road-common';

/**
 * The longest a waiver may run: the waiver API refuses a later `expiresAt`,
 * and the evaluator does not honour an entry of the
 * `paved-road.io/scorecard-exemptions` annotation that expires later. One
 * rule for both, so that writing the waiver into catalog-info.yaml is no way
 * round the cap.
 *
 * @public
 */
export const MAX_WAIVER_DAYS = 366;

/**
 * The latest expiry a waiver may have at `now` ({@link MAX_WAIVER_DAYS}
 * ahead). For the API `now` is when the waiver is granted; for the
 * annotation, which carries no date of its own, it is each evaluation.
 *
 * @public
 */
export function latestWaiverExpiry(now: Date): Date {
  return new Date(now.getTime() + MAX_WAIVER_DAYS * DAY_MS);
}
