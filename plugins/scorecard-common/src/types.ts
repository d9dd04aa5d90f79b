/**
 * How much a check counts towards an entity's score.
 *
 * @public
 */
export type CheckWeight = 'critical' | 'high' | 'medium' | 'low';

/**
 * The numeric value of each weight. A critical check is worth as much as two
 * high ones; a failing critical check also flags the entity whatever its score.
 *
 * @public
 */
export const CHECK_WEIGHT_VALUES: Readonly<Record<CheckWeight, number>> = {
  critical: 8,
  high: 4,
  medium: 2,
  low: 1,
};

/** @public */
export const CHECK_WEIGHTS: readonly CheckWeight[] = [
  'critical',
  'high',
  'medium',
  'low',
];

/**
 * The outcome of one check for one entity.
 *
 * - `pass` / `fail`: the condition held / did not hold on fresh facts.
 * - `warn`: the condition did not hold, but the check's `enforcedFrom` date
 *   is still in the future.
 * - `exempt`: an unexpired waiver covers this entity and check.
 * - `not_applicable`: the check's `appliesTo` filter excludes the entity.
 * - `no_data`: a fact the condition needs is missing (source not configured,
 *   unreachable, or the facts are older than the staleness threshold).
 * - `error`: evaluating the check threw (a bug or a bad fact shape).
 *
 * @public
 */
export type CheckState =
  | 'pass'
  | 'fail'
  | 'warn'
  | 'exempt'
  | 'not_applicable'
  | 'no_data'
  | 'error';

/** @public */
export const CHECK_STATES: readonly CheckState[] = [
  'pass',
  'fail',
  'warn',
  'exempt',
  'not_applicable',
  'no_data',
  'error',
];

/**
 * Which entities a check applies to. Every given filter must match; within a
 * filter any listed value matches (case-insensitive).
 *
 * @public
 */
export interface CheckAppliesTo {
  kind?: string[];
  type?: string[];
  lifecycle?: string[];
  /** The entity must carry at least one of these tags. */
  tag?: string[];
  /** An extra condition on facts; when it is false the check is not applicable. */
  condition?: CheckCondition;
}

/**
 * The declarative condition language. No expressions are evaluated: every
 * node is one of the shapes below. `fact` is a dotted path into the entity's
 * facts (for example `annotations`, `github.latestRun.conclusion`); inside
 * `every`/`some` it is relative to each array item.
 *
 * @public
 */
export type CheckCondition =
  | { allOf: CheckCondition[] }
  | { anyOf: CheckCondition[] }
  | { not: CheckCondition }
  | { fact: string; has: string }
  | { fact: string; equals: string | number | boolean | null }
  | { fact: string; in: Array<string | number | boolean> }
  | { fact: string; exists: boolean }
  | { fact: string; contains: string | number | boolean }
  | { fact: string; every: CheckCondition }
  | { fact: string; some: CheckCondition };

/** @public */
export interface CheckRemediation {
  text: string;
  link?: string;
}

/**
 * A check as authored in the checks YAML file.
 *
 * @public
 */
export interface CheckDefinition {
  id: string;
  title: string;
  description?: string;
  weight: CheckWeight;
  appliesTo?: CheckAppliesTo;
  condition: CheckCondition;
  remediation?: CheckRemediation;
  /** ISO date (YYYY-MM-DD); before it a failure is reported as `warn`. */
  enforcedFrom?: string;
}

/**
 * A level (for example bronze/silver/gold). Levels are listed from lowest to
 * highest; an entity reaches a level when no check of a `requires` weight
 * fails, and it has the highest level it reaches together with all lower ones.
 *
 * @public
 */
export interface LevelDefinition {
  id: string;
  title?: string;
  requires: CheckWeight[];
}

/**
 * When a fact that a result is based on was collected.
 *
 * @public
 */
export interface FactTimestamp {
  /** The fact source, e.g. `catalog`, `techdocs`, `github`. */
  source: string;
  /** ISO timestamp of collection. */
  collectedAt: string;
}

/**
 * The result of one check for one entity.
 *
 * @public
 */
export interface CheckResult {
  checkId: string;
  state: CheckState;
  /** A human readable explanation of the state. */
  reason: string;
  /** The fact values the condition looked at (path to value). */
  factValues?: Record<string, unknown>;
  /** When each fact source involved was collected. */
  facts: FactTimestamp[];
  /** ISO timestamp of the evaluation. */
  evaluatedAt: string;
  /** ISO timestamp since which the check has been in this state. */
  stateSince?: string;
  /** Set when the stored facts are older than the staleness threshold. */
  stale?: boolean;
  /** The state before staleness turned the result into `no_data`. */
  lastKnownState?: CheckState;
}

/**
 * The score of one entity; see {@link computeScore}.
 *
 * @public
 */
export interface EntityScore {
  /** passedWeight / applicableWeight in [0, 1], or null when nothing applies. */
  score: number | null;
  /** Highest level reached, or null when none. */
  level: string | null;
  /** True when any critical check is in state `fail`. */
  criticalFailing: boolean;
  passedWeight: number;
  applicableWeight: number;
  /** Weight of checks left out because they have no data or errored. */
  unknownWeight: number;
}
