import { Entity } from '@backstage/catalog-model';
import { Waiver } from '@internal/plugin-scorecard-common';
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
 * Every field is required; an entry that is incomplete, unparsable or
 * expired is ignored (the check is evaluated normally).
 */
export const EXEMPTIONS_ANNOTATION = 'paved-road.io/scorecard-exemptions';

export function catalogExemptions(
  entity: Entity,
  entityRef: string,
  now: Date,
): { waivers: Map<string, Waiver>; problems: string[] } {
  const waivers = new Map<string, Waiver>();
  const problems: string[] = [];
  const raw = entity.metadata.annotations?.[EXEMPTIONS_ANNOTATION];
  if (!raw) {
    return { waivers, problems };
  }
  let entries: unknown;
  try {
    entries = parse(raw);
  } catch (error) {
    problems.push(`${EXEMPTIONS_ANNOTATION} is not YAML: ${error}`);
    return { waivers, problems };
  }
  if (!Array.isArray(entries)) {
    problems.push(`${EXEMPTIONS_ANNOTATION} must be a YAML list`);
    return { waivers, problems };
  }
  entries.forEach((entry: any, index) => {
    const expires =
      entry?.expires instanceof Date
        ? entry.expires
        : new Date(String(entry?.expires ?? ''));
    if (
      typeof entry?.check !== 'string' ||
      typeof entry?.reason !== 'string' ||
      typeof entry?.approver !== 'string' ||
      isNaN(expires.getTime())
    ) {
      problems.push(
        `${EXEMPTIONS_ANNOTATION}[${index}] needs check, reason, approver and expires (YYYY-MM-DD)`,
      );
      return;
    }
    if (expires <= now) {
      return;
    }
    waivers.set(entry.check, {
      id: `catalog:${entry.check}`,
      source: 'catalog',
      entityRef,
      checkId: entry.check,
      reason: entry.reason,
      createdBy: entry.approver,
      createdAt: '',
      expiresAt: expires.toISOString(),
    });
  });
  return { waivers, problems };
}
