import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { JsonSchema } from '../portal/scaffolder';
import { isTemplated } from './expressions';
import { closest } from './problems';

/** One way a step's input disagrees with its action's input schema. */
export type InputIssue = {
  /** Where in the input: keys and array indexes. */
  path: Array<string | number>;
} & (
  | { kind: 'unknown'; field: string; known: string[] }
  | { kind: 'missing'; field: string }
  | { kind: 'type'; expected: string; actual: unknown }
  | { kind: 'enum'; allowed: unknown[]; actual: unknown }
  | { kind: 'other'; message: string }
);

const ajv = new Ajv({
  allErrors: true,
  strict: false,
  // The portal checks formats when the step runs; here they would only need
  // a formats package and say little a type check does not.
  validateFormats: false,
  logger: false,
});
const compiled = new WeakMap<JsonSchema, ValidateFunction | null>();

function validatorFor(schema: JsonSchema): ValidateFunction | null {
  if (!compiled.has(schema)) {
    try {
      compiled.set(schema, ajv.compile(schema));
    } catch {
      // A schema ajv cannot compile is the portal's problem, not the template's.
      compiled.set(schema, null);
    }
  }
  return compiled.get(schema) ?? null;
}

function segments(pointer: string): string[] {
  return pointer
    ? pointer
        .slice(1)
        .split('/')
        .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    : [];
}

function valueAt(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (at, key) =>
      at !== null && typeof at === 'object'
        ? (at as Record<string, unknown>)[key]
        : undefined,
    value,
  );
}

/** Whether any string at or below `value` is a template. */
function holdsTemplate(value: unknown): boolean {
  if (isTemplated(value)) {
    return true;
  }
  return (
    value !== null &&
    typeof value === 'object' &&
    Object.values(value).some(holdsTemplate)
  );
}

const COMBINATORS = new Set(['anyOf', 'oneOf']);

/**
 * Drops what a template makes unknowable: an error about a value that is a
 * `${{ }}` template (rendered at run time, it may be of any type), and a
 * combinator (`anyOf`/`oneOf`/`if`) satisfied once those are set aside.
 * Of a combinator no branch satisfies, the branch closest to matching
 * (fewest errors) explains the failure.
 */
function relevantErrors(errors: ErrorObject[], input: unknown): ErrorObject[] {
  const templated = (error: ErrorObject) =>
    isTemplated(valueAt(input, segments(error.instancePath)));
  let remaining = errors.filter(
    error =>
      COMBINATORS.has(error.keyword) ||
      error.keyword === 'if' ||
      error.keyword === 'required' ||
      error.keyword === 'additionalProperties' ||
      !templated(error),
  );
  // Inner combinators first: their outcome decides whether an outer branch failed.
  const combinators = errors
    .filter(e => COMBINATORS.has(e.keyword) || e.keyword === 'if')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const combinator of combinators) {
    if (!remaining.includes(combinator)) {
      continue;
    }
    if (combinator.keyword === 'if') {
      // The "then"/"else" errors, if any are left, say what is wrong.
      remaining = remaining.filter(e => e !== combinator);
      continue;
    }
    if ((combinator.params as { passingSchemas?: unknown }).passingSchemas) {
      // oneOf matched several branches: with templates, that is unknowable.
      if (holdsTemplate(valueAt(input, segments(combinator.instancePath)))) {
        remaining = remaining.filter(e => e !== combinator);
      }
      continue;
    }
    const prefix = `${combinator.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const error of errors) {
      if (error.schemaPath.startsWith(prefix)) {
        const branch = error.schemaPath.slice(prefix.length).split('/')[0];
        if (!branches.has(branch)) {
          branches.set(branch, []);
        }
        if (remaining.includes(error)) {
          branches.get(branch)!.push(error);
        }
      }
    }
    const inBranches = [...branches.values()].flat();
    const best = [...branches.values()].sort((a, b) => a.length - b.length)[0];
    if (!best) {
      continue;
    }
    // A branch left without errors is satisfied: the combinator holds.
    remaining = remaining.filter(
      e =>
        e !== combinator &&
        (!inBranches.includes(e) || (best.length > 0 && best.includes(e))),
    );
  }
  return remaining;
}

/** The properties of the schema an additionalProperties error comes from. */
function propertyNames(schema: JsonSchema, schemaPath: string): string[] {
  const parent = segments(schemaPath.replace(/^#/, '')).slice(0, -1);
  const at = valueAt(schema, parent) as JsonSchema | undefined;
  return Object.keys(at?.properties ?? {});
}

/**
 * Checks a step's input (as written, before rendering) against its action's
 * input schema with ajv. A value written as a `${{ }}` template matches any
 * type; a required field given as a template is present.
 */
export function checkInput(schema: JsonSchema, input: unknown): InputIssue[] {
  const validate = validatorFor(schema);
  if (!validate || validate(input)) {
    return [];
  }
  const issues = relevantErrors(validate.errors ?? [], input).map(
    (error): InputIssue => {
      const at = segments(error.instancePath);
      const path = at.map(key => (/^\d+$/.test(key) ? Number(key) : key));
      const actual = valueAt(input, at);
      const params = error.params as Record<string, any>;
      switch (error.keyword) {
        case 'additionalProperties':
          return {
            path,
            kind: 'unknown',
            field: params.additionalProperty,
            known: propertyNames(schema, error.schemaPath),
          };
        case 'required':
          return { path, kind: 'missing', field: params.missingProperty };
        case 'type':
          return {
            path,
            kind: 'type',
            expected: [params.type].flat().join(' or '),
            actual,
          };
        case 'enum':
          return { path, kind: 'enum', allowed: params.allowedValues, actual };
        default:
          return { path, kind: 'other', message: error.message ?? 'invalid' };
      }
    },
  );
  const seen = new Set<string>();
  return issues.filter(issue => {
    const key = JSON.stringify(issue);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/** `input.steps[0].input.size` */
export function describePath(path: Array<string | number>, base = 'input') {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') {
      return `${text}[${key}]`;
    }
    return /^[A-Za-z_$][\w$-]*$/.test(key)
      ? `${text}.${key}`
      : `${text}['${key}']`;
  }, base);
}

function kindOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

function shortValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** The issue in words, starting with where it is (`input.size: …`). */
export function describeIssue(
  issue: InputIssue,
  actionId: string,
  base = 'input',
): string {
  const where = describePath(issue.path, base);
  switch (issue.kind) {
    case 'unknown': {
      const hint = closest(issue.field, issue.known);
      let takes = '';
      if (hint) {
        takes = ` (did you mean "${hint}"?)`;
      } else if (issue.known.length && issue.known.length <= 15) {
        takes = ` (it takes ${issue.known.join(', ')})`;
      }
      return `${describePath(
        [...issue.path, issue.field],
        base,
      )}: ${actionId} takes no field "${issue.field}"${takes}`;
    }
    case 'missing':
      return `${where}: missing required field "${issue.field}" of ${actionId}`;
    case 'type':
      return `${where}: must be ${issue.expected}, got ${kindOf(
        issue.actual,
      )} ${shortValue(issue.actual)}`;
    case 'enum':
      return `${where}: ${shortValue(
        issue.actual,
      )} is not one of ${issue.allowed
        .map(v => (typeof v === 'string' ? v : JSON.stringify(v)))
        .join(', ')}`;
    default:
      return `${where}: ${issue.message}`;
  }
}
