/**
 * `true` when `Actual` and `Expected` are each assignable to the other, else
 * a message saying which way they differ: for a compile-time check such as
 * `const same: SameType<Wire, Spec> = true` (which `tsc` refuses when they
 * differ).
 */
export type SameType<Actual, Expected> = [Actual] extends [Expected]
  ? [Expected] extends [Actual]
    ? true
    : 'the second type allows what the first does not'
  : 'the first type allows what the second does not';

/** `true` when `Actual` is assignable to `Expected`, else a message. */
export type AssignableType<Actual, Expected> = [Actual] extends [Expected]
  ? true
  : 'the first type allows what the second does not';
