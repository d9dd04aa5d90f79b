/**
 * What an action did (or, in a dry run, would do) to one remote object.
 * Every action reports these per object, so a re-run shows convergence.
 */
export type ObjectState = 'created' | 'updated' | 'unchanged';

/** Decides the state from what exists and whether it already matches. */
export function stateFor(existing: unknown, matches: boolean): ObjectState {
  if (existing === undefined) {
    return 'created';
  }
  return matches ? 'unchanged' : 'updated';
}
