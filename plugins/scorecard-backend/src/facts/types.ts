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
  /**
   * What every result built on the values should say, whatever its state:
   * that they are an old answer (from when), or that a fallback decides (the
   * on-call backend is not installed, so the annotations do). Added to the
   * reason of any check that reads the source.
   */
  provenance?: string;
  /** Present when the source has no data for the entity, with the reason. */
  unavailable?: string;
  /**
   * Facts (dotted paths) the source could not collect while it did collect
   * the others, with the reason: a condition on them has no data.
   */
  unknown?: Record<string, string>;
}

export type FactSourceId = 'catalog' | 'techdocs' | 'github' | 'oncall';

/** Which source provides a fact path. */
export function sourceOfFact(path: string): FactSourceId {
  const root = path.split('.')[0];
  if (root === 'github') {
    return 'github';
  }
  if (root === 'techdocs') {
    return 'techdocs';
  }
  if (root === 'oncall') {
    return 'oncall';
  }
  return 'catalog';
}
