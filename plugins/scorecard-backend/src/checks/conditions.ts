import { CheckCondition } from '@internal/plugin-scorecard-common';

/**
 * The condition language is data, never code: every node is one of a fixed
 * set of shapes, and evaluation is a plain recursive walk with three-valued
 * logic (true, false, unknown) so that a missing fact yields "no data"
 * rather than a silent pass or fail.
 */

const OPERATORS = [
  'has',
  'equals',
  'in',
  'exists',
  'contains',
  'every',
  'some',
] as const;
type Operator = (typeof OPERATORS)[number];

const MAX_DEPTH = 16;

export interface ConditionProblem {
  path: Array<string | number>;
  message: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isPrimitive = (v: unknown) =>
  v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Validates the shape of a condition; returns problems with their paths. */
export function validateCondition(
  condition: unknown,
  path: Array<string | number> = [],
  depth = 0,
): ConditionProblem[] {
  if (depth > MAX_DEPTH) {
    return [{ path, message: `conditions nest deeper than ${MAX_DEPTH}` }];
  }
  if (!isPlainObject(condition)) {
    return [
      {
        path,
        message: `a condition must be a mapping: allOf, anyOf, not, or fact with one of ${OPERATORS.join(
          ', ',
        )}`,
      },
    ];
  }
  const keys = Object.keys(condition);
  if ('allOf' in condition || 'anyOf' in condition) {
    const key = 'allOf' in condition ? 'allOf' : 'anyOf';
    if (keys.length !== 1) {
      return [{ path, message: `${key} must be the only key of its mapping` }];
    }
    const list = condition[key];
    if (!Array.isArray(list) || list.length === 0) {
      return [
        {
          path: [...path, key],
          message: 'must be a non-empty list of conditions',
        },
      ];
    }
    return list.flatMap((c, i) =>
      validateCondition(c, [...path, key, i], depth + 1),
    );
  }
  if ('not' in condition) {
    if (keys.length !== 1) {
      return [{ path, message: 'not must be the only key of its mapping' }];
    }
    return validateCondition(condition.not, [...path, 'not'], depth + 1);
  }
  if (!('fact' in condition)) {
    return [
      {
        path,
        message: `expected allOf, anyOf, not or fact, got ${
          keys.map(k => `'${k}'`).join(', ') || 'an empty mapping'
        }`,
      },
    ];
  }
  if (
    typeof condition.fact !== 'string' ||
    !/^[A-Za-z0-9_.-]+$/.test(condition.fact)
  ) {
    return [
      {
        path: [...path, 'fact'],
        message:
          'must be a dotted fact path such as annotations or github.latestRun.conclusion',
      },
    ];
  }
  const ops = keys.filter(k => k !== 'fact');
  const unknown = ops.filter(k => !OPERATORS.includes(k as Operator));
  if (unknown.length > 0) {
    return [
      {
        path: [...path, unknown[0]],
        message: `unknown operator '${unknown[0]}'; use one of ${OPERATORS.join(
          ', ',
        )}`,
      },
    ];
  }
  if (ops.length !== 1) {
    return [
      {
        path,
        message: `a fact condition needs exactly one operator (${OPERATORS.join(
          ', ',
        )}), got ${ops.length}`,
      },
    ];
  }
  const op = ops[0] as Operator;
  const arg = condition[op];
  const at = [...path, op];
  switch (op) {
    case 'has':
      return typeof arg === 'string' && arg.length > 0
        ? []
        : [{ path: at, message: 'must be a key name' }];
    case 'equals':
    case 'contains':
      return isPrimitive(arg)
        ? []
        : [{ path: at, message: 'must be a string, number, boolean or null' }];
    case 'in':
      return Array.isArray(arg) && arg.length > 0 && arg.every(isPrimitive)
        ? []
        : [{ path: at, message: 'must be a non-empty list of values' }];
    case 'exists':
      return typeof arg === 'boolean'
        ? []
        : [{ path: at, message: 'must be true or false' }];
    case 'every':
    case 'some':
      return validateCondition(arg, at, depth + 1);
    default:
      return [];
  }
}

/** The value of a fact and whether it could be collected. */
export interface FactLookup {
  /**
   * Returns the value at a dotted path, or `{ unknown: reason }` when the fact
   * source behind the path has no data.
   */
  get(path: string): { value: unknown } | { unknown: string };
}

export type Truth = true | false | 'unknown';

export interface ConditionOutcome {
  truth: Truth;
  /** Why the outcome is what it is (for false and unknown). */
  reason: string;
  /** The fact values that were looked at. */
  factValues: Record<string, unknown>;
}

/** Reads a dotted path from a plain value (used inside every/some). */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path.split('.')) {
    if (!isPlainObject(current)) {
      return undefined;
    }
    current = current[segment];
  }
  return current;
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isPlainObject(v) && Object.keys(v).length === 0)
  );
}

const show = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v));

function evaluateLeaf(
  condition: Record<string, any>,
  value: unknown,
  factValues: Record<string, unknown>,
  prefix: string,
): ConditionOutcome {
  const fact: string = condition.fact;
  const label = prefix ? `${prefix}.${fact}` : fact;
  const ok = (truth: boolean, reason: string): ConditionOutcome => ({
    truth,
    reason,
    factValues,
  });
  if ('has' in condition) {
    const key = condition.has as string;
    const present = isPlainObject(value) && !isEmpty(value[key]);
    return ok(
      present,
      present ? `${label} has '${key}'` : `${label} has no '${key}'`,
    );
  }
  if ('equals' in condition) {
    const pass = value === condition.equals;
    return ok(
      pass,
      `${label} is ${show(value)}${
        pass ? '' : `, expected ${show(condition.equals)}`
      }`,
    );
  }
  if ('in' in condition) {
    const pass = (condition.in as unknown[]).includes(value);
    return ok(
      pass,
      `${label} is ${show(value)}${
        pass ? '' : `, expected one of ${show(condition.in)}`
      }`,
    );
  }
  if ('exists' in condition) {
    const exists = !isEmpty(value);
    return ok(
      exists === condition.exists,
      `${label} ${exists ? 'is set' : 'is missing or empty'}`,
    );
  }
  if ('contains' in condition) {
    const pass =
      (Array.isArray(value) && value.includes(condition.contains)) ||
      (typeof value === 'string' &&
        typeof condition.contains === 'string' &&
        value.includes(condition.contains));
    return ok(
      pass,
      pass
        ? `${label} contains ${show(condition.contains)}`
        : `${label} does not contain ${show(condition.contains)}`,
    );
  }
  // every / some
  const quantifier = 'every' in condition ? 'every' : 'some';
  if (!Array.isArray(value)) {
    return ok(false, `${label} is not a list`);
  }
  const failures: string[] = [];
  let passes = 0;
  value.forEach((item, index) => {
    const itemLabel =
      isPlainObject(item) && typeof item.ref === 'string'
        ? item.ref
        : `${label}[${index}]`;
    const inner = evaluate(
      condition[quantifier],
      p => ({ value: readPath(item, p) }),
      {},
      itemLabel,
      1,
    );
    if (inner.truth === true) {
      passes++;
    } else {
      failures.push(inner.reason);
    }
  });
  if (quantifier === 'every') {
    return ok(
      failures.length === 0,
      failures.length === 0
        ? `all ${value.length} of ${label} match`
        : failures.join('; '),
    );
  }
  return ok(
    passes > 0,
    passes > 0 ? `${passes} of ${label} match` : `none of ${label} match`,
  );
}

function evaluate(
  condition: CheckCondition,
  lookup: (p: string) => { value: unknown } | { unknown: string },
  factValues: Record<string, unknown>,
  prefix: string,
  depth: number,
): ConditionOutcome {
  const c = condition as Record<string, any>;
  if (depth > MAX_DEPTH) {
    return { truth: 'unknown', reason: 'condition too deep', factValues };
  }
  if ('allOf' in c || 'anyOf' in c) {
    const all = 'allOf' in c;
    const outcomes = (c.allOf ?? c.anyOf).map((inner: CheckCondition) =>
      evaluate(inner, lookup, factValues, prefix, depth + 1),
    ) as ConditionOutcome[];
    const decisive = outcomes.filter(o => o.truth === !all);
    if (decisive.length > 0) {
      return {
        truth: !all,
        reason: all
          ? decisive.map(o => o.reason).join('; ')
          : decisive[0].reason,
        factValues,
      };
    }
    const unknown = outcomes.filter(o => o.truth === 'unknown');
    if (unknown.length > 0) {
      return {
        truth: 'unknown',
        reason: unknown.map(o => o.reason).join('; '),
        factValues,
      };
    }
    return {
      truth: all,
      reason: outcomes.map(o => o.reason).join(all ? '; ' : ' and '),
      factValues,
    };
  }
  if ('not' in c) {
    const inner = evaluate(c.not, lookup, factValues, prefix, depth + 1);
    return {
      truth: inner.truth === 'unknown' ? 'unknown' : !inner.truth,
      reason:
        inner.truth === 'unknown' ? inner.reason : `not (${inner.reason})`,
      factValues,
    };
  }
  const found = lookup(c.fact);
  if ('unknown' in found) {
    return {
      truth: 'unknown',
      reason: `no data for ${c.fact}: ${found.unknown}`,
      factValues,
    };
  }
  if (!prefix) {
    factValues[c.fact] = found.value;
  }
  return evaluateLeaf(c, found.value, factValues, prefix);
}

/** Evaluates a validated condition against facts. */
export function evaluateCondition(
  condition: CheckCondition,
  facts: FactLookup,
): ConditionOutcome {
  return evaluate(condition, p => facts.get(p), {}, '', 0);
}

/** The top-level fact names (first path segments) a condition reads. */
export function factRoots(condition: unknown, out = new Set<string>()) {
  if (!isPlainObject(condition)) {
    return out;
  }
  if (Array.isArray(condition.allOf)) {
    condition.allOf.forEach(c => factRoots(c, out));
  } else if (Array.isArray(condition.anyOf)) {
    condition.anyOf.forEach(c => factRoots(c, out));
  } else if ('not' in condition) {
    factRoots(condition.not, out);
  } else if (typeof condition.fact === 'string') {
    // every/some read paths relative to items: only the outer fact counts.
    out.add(condition.fact.split('.')[0]);
  }
  return out;
}
