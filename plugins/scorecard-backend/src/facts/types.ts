/**
 * What one fact source knows about one entity. Facts are addressed by dotted
 * paths whose first segment names the source's root (see {@link sourceOfFact}).
 */
export interface FactSourceResult {
  source: FactSourceId;
  collectedAt: Date;
  /** Present when the facts could be collected. */
  values?: Record<string, unknown>;
  /**
   * Why the values are what they are (e.g. the repository is outside the
   * allowed organisations); added to the reason of a check they fail.
   */
  note?: string;
  /** Present when the source has no data for the entity, with the reason. */
  unavailable?: string;
  /**
   * Facts (dotted paths) the source could not collect while it did collect
   * the others, with the reason: a condition on them has no data.
   */
  unknown?: Record<string, string>;
}

export type FactSourceId = 'catalog' | 'techdocs' | 'github';

/** Which source provides a fact path. */
export function sourceOfFact(path: string): FactSourceId {
  const root = path.split('.')[0];
  if (root === 'github') {
    return 'github';
  }
  if (root === 'techdocs') {
    return 'techdocs';
  }
  return 'catalog';
}
