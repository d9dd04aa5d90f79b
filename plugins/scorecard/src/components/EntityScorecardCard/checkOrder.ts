import {
  CHECK_WEIGHT_VALUES,
  CheckState,
  EntityCheckView,
} from '@internal/plugin-scorecard-common';
import { STATE_LABELS } from '../format';

/**
 * States that need the owner's attention, in the order they are shown: a
 * failure counts against the score now, a warning will from its
 * `enforcedFrom` date, an error means the check could not judge the entity.
 */
const FAILING_ORDER: Partial<Record<CheckState, number>> = {
  fail: 0,
  warn: 1,
  error: 2,
};

/** The rest, folded away: what to look at first when unfolded, first. */
const OTHER_ORDER: Partial<Record<CheckState, number>> = {
  no_data: 0,
  exempt: 1,
  pass: 2,
  not_applicable: 3,
};

/** States an exemption can be granted for from the card. */
export const EXEMPTABLE: readonly CheckState[] = ['fail', 'warn'];

export function isFailing(check: EntityCheckView): boolean {
  return FAILING_ORDER[check.state] !== undefined;
}

function by(order: Partial<Record<CheckState, number>>) {
  return (a: EntityCheckView, b: EntityCheckView) =>
    (order[a.state] ?? 99) - (order[b.state] ?? 99) ||
    CHECK_WEIGHT_VALUES[b.weight] - CHECK_WEIGHT_VALUES[a.weight] ||
    a.title.localeCompare(b.title);
}

/**
 * Splits the checks into the failing ones (failures, then warnings, then
 * errors; critical before high before medium before low within each) and
 * the others (no data, exempt, passing, not applicable).
 */
export function splitChecks(checks: EntityCheckView[]): {
  failing: EntityCheckView[];
  others: EntityCheckView[];
} {
  return {
    failing: checks.filter(isFailing).sort(by(FAILING_ORDER)),
    others: checks.filter(c => !isFailing(c)).sort(by(OTHER_ORDER)),
  };
}

/** "3 passing checks · 2 no data · 1 exempt", for the folded checks. */
export function countLabel(checks: EntityCheckView[]): string {
  const count = (state: CheckState) =>
    checks.filter(c => c.state === state).length;
  const passing = count('pass');
  const parts = passing
    ? [`${passing} passing check${passing === 1 ? '' : 's'}`]
    : [];
  for (const state of ['no_data', 'exempt', 'not_applicable'] as const) {
    const n = count(state);
    if (n > 0)
      parts.push(`${n} ${STATE_LABELS[state].toLocaleLowerCase('en')}`);
  }
  return parts.join(' · ');
}

/** "Stale (last known: pass)" for a result whose facts are too old. */
export function staleLabel(check: EntityCheckView): string | undefined {
  if (!check.stale) return undefined;
  return check.lastKnownState
    ? `Stale (last known: ${STATE_LABELS[
        check.lastKnownState
      ].toLocaleLowerCase('en')})`
    : 'Stale';
}
