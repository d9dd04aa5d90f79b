import { Entity } from '@backstage/catalog-model';
import {
  latestWaiverExpiry,
  MAX_WAIVER_DAYS,
  Waiver,
} from '@internal/plugin-scorecard-common';
import { parse } from 'yaml';

/**
 * Exemptions declared by the entity itself, reviewed like any change to its
 * catalog-info.yaml:
 *
 * ```yaml
 * metadata:
 *   annotations:
 *     paved-road.io/scorecard-exemptions: |
 *       - check: has-oncall
 *         reason: batch job, nobody is paged
 *         approver: user:default/jane
 *         expires: 2027-03-31
 * ```
 *
 * Every field is required, and `expires` must be at most
 * {@link MAX_WAIVER_DAYS} days ahead, as for a waiver granted through the
 * API. An entry that is incomplete, unparsable, expired or too long is not
 * honoured: the check is evaluated normally and its reason says why.
 */
export const EXEMPTIONS_ANNOTATION = 'paved-road.io/scorecard-exemptions';

export interface CatalogExemptions {
  /** The honoured entries, by check id. */
  waivers: Map<string, Waiver>;
  /**
   * Why the annotation exempts the check from nothing: its entries for the
   * check that are not honoured, and problems with the annotation as a whole
   * (or with an entry that names no check), which may concern any check.
   */
  problemsFor(checkId: string): string[];
}

const day = (date: Date) => date.toISOString().slice(0, 10);

const expiresOf = (entry: any): Date =>
  entry.expires instanceof Date
    ? entry.expires
    : new Date(String(entry.expires));

/** Why an entry is not honoured at `now`, or undefined when it is. */
function entryProblem(entry: any, now: Date): string | undefined {
  const missing = ['check', 'reason', 'approver'].filter(
    field => typeof entry?.[field] !== 'string' || !entry[field].trim(),
  );
  const cap = latestWaiverExpiry(now);
  const latest = day(cap);
  if (entry?.expires === undefined || entry.expires === null) {
    missing.push('expires');
  }
  if (missing.length > 0) {
    return `has no ${missing.join(
      ', ',
    )}: every entry needs check, reason, approver and expires (YYYY-MM-DD, ${latest} at the latest)`;
  }
  const expires = expiresOf(entry);
  if (isNaN(expires.getTime())) {
    return `has expires '${entry.expires}', which is not a date: write YYYY-MM-DD, ${latest} at the latest`;
  }
  if (expires <= now) {
    return `expired on ${day(
      expires,
    )}: fix the check, or renew the entry with an expires of ${latest} at the latest`;
  }
  if (expires > cap) {
    return `expires ${day(
      expires,
    )}, more than ${MAX_WAIVER_DAYS} days ahead: set expires to ${latest} or earlier`;
  }
  return undefined;
}

export function catalogExemptions(
  entity: Entity,
  entityRef: string,
  now: Date,
): CatalogExemptions {
  const waivers = new Map<string, Waiver>();
  const byCheck = new Map<string, string[]>();
  const general: string[] = [];
  const result: CatalogExemptions = {
    waivers,
    problemsFor: checkId => [...(byCheck.get(checkId) ?? []), ...general],
  };
  const raw = entity.metadata.annotations?.[EXEMPTIONS_ANNOTATION];
  if (!raw) {
    return result;
  }
  let entries: unknown;
  try {
    entries = parse(raw);
  } catch (error) {
    general.push(
      `${EXEMPTIONS_ANNOTATION} is not YAML (${(error as Error).message})`,
    );
    return result;
  }
  if (!Array.isArray(entries)) {
    general.push(`${EXEMPTIONS_ANNOTATION} must be a YAML list of entries`);
    return result;
  }
  entries.forEach((entry: any, index) => {
    const problem = entryProblem(entry, now);
    const check = typeof entry?.check === 'string' ? entry.check : undefined;
    if (problem) {
      const text = `${EXEMPTIONS_ANNOTATION} entry ${index + 1}${
        check ? ` (${check})` : ''
      } is not honoured: it ${problem}`;
      if (check) {
        byCheck.set(check, [...(byCheck.get(check) ?? []), text]);
      } else {
        general.push(text);
      }
      return;
    }
    waivers.set(check!, {
      id: `catalog:${check}`,
      source: 'catalog',
      entityRef,
      checkId: check!,
      reason: entry.reason,
      createdBy: entry.approver,
      createdAt: '',
      expiresAt: expiresOf(entry).toISOString(),
    });
  });
  return result;
}
