import {
  CHECK_WEIGHT_VALUES,
  CheckState,
  CheckWeight,
  EntityScore,
  LevelDefinition,
} from './types';

/**
 * The score formula in words, served by the API so that every view can state
 * exactly what it shows.
 *
 * @public
 */
export const SCORE_FORMULA =
  'score = passed weight / applicable weight, with weights critical=8, high=4, ' +
  'medium=2, low=1. Applicable checks are those that pass or fail. Exempt and ' +
  'not-applicable checks are left out; so are checks with no data or an error ' +
  '(never counted as pass or fail) and checks that only warn before their ' +
  'enforcedFrom date. Any failing critical check flags the entity whatever its score. ' +
  'A level is reached when no check of the weights it requires fails.';

/** @public */
export interface ScoredCheck {
  weight: CheckWeight;
  state: CheckState;
}

/**
 * Computes the level: the highest level reached such that every lower level is
 * reached too. Levels must be listed from lowest to highest.
 *
 * @public
 */
export function computeLevel(
  checks: ScoredCheck[],
  levels: LevelDefinition[],
): string | null {
  let reached: string | null = null;
  for (const level of levels) {
    const blocked = checks.some(
      c => c.state === 'fail' && level.requires.includes(c.weight),
    );
    if (blocked) {
      break;
    }
    reached = level.id;
  }
  return reached;
}

/**
 * Computes an entity's score from its check states. Pure; see
 * {@link SCORE_FORMULA} for the rules.
 *
 * @public
 */
export function computeScore(
  checks: ScoredCheck[],
  levels: LevelDefinition[] = [],
): EntityScore {
  let passedWeight = 0;
  let applicableWeight = 0;
  let unknownWeight = 0;
  let criticalFailing = false;
  for (const check of checks) {
    const value = CHECK_WEIGHT_VALUES[check.weight];
    switch (check.state) {
      case 'pass':
        passedWeight += value;
        applicableWeight += value;
        break;
      case 'fail':
        applicableWeight += value;
        if (check.weight === 'critical') {
          criticalFailing = true;
        }
        break;
      case 'no_data':
      case 'error':
        unknownWeight += value;
        break;
      default:
        // exempt, not_applicable and warn are left out of the score
        break;
    }
  }
  const score = applicableWeight > 0 ? passedWeight / applicableWeight : null;
  return {
    score,
    level: score === null ? null : computeLevel(checks, levels),
    criticalFailing,
    passedWeight,
    applicableWeight,
    unknownWeight,
  };
}
