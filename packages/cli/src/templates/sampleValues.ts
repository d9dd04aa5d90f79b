/*
 * Answers to a wizard nobody wrote a check.yaml for: each property's
 * default, else its first example, else its first enum value; a required
 * field with none of those gets a placeholder of its type (a string that
 * matches its pattern, an entity ref for the entity pickers).
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import { JsonSchema } from '../portal/scaffolder';
import {
  isPicker,
  pickerDefaultKind,
  pickerKinds,
  wizardPages,
} from './wizard';

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The entity pickers answer with refs: of the kind the picker means, else the first it offers, else a component. */
function entityKind(schema: JsonSchema): string | undefined {
  if (!isPicker(schema)) {
    return undefined;
  }
  const kind =
    pickerDefaultKind(schema) ?? pickerKinds(schema)[0] ?? 'Component';
  return kind.toLowerCase();
}

// A tiny generator for the patterns wizards use: classes, groups,
// alternatives (the first), quantifiers (their minimum); lookarounds and
// anchors produce nothing. Its result is tested against the real RegExp.
function fromPattern(pattern: string): string | undefined {
  let at = 0;
  const pickFromClass = (body: string, negated: boolean): string => {
    const chars: string[] = [];
    for (let i = 0; i < body.length; i++) {
      let c = body[i];
      if (c === '\\') {
        const e = body[++i];
        if (e === 'd') {
          chars.push('0');
          continue;
        }
        if (e === 'w') {
          chars.push('a');
          continue;
        }
        c = e;
      }
      if (body[i + 1] === '-' && i + 2 < body.length) {
        const end = body[i + 2];
        for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++) {
          chars.push(String.fromCharCode(code));
        }
        i += 2;
      } else {
        chars.push(c);
      }
    }
    if (negated) {
      return 'abc0-_'.split('').find(c => !chars.includes(c)) ?? 'z';
    }
    // Prefer what reads like a placeholder: lowercase, then digits.
    return (
      chars.find(c => /[a-z]/.test(c)) ??
      chars.find(c => /[0-9]/.test(c)) ??
      chars[0] ??
      'a'
    );
  };
  const sequence = (): string => {
    let out = '';
    while (at < pattern.length && pattern[at] !== ')' && pattern[at] !== '|') {
      let atom = '';
      const c = pattern[at];
      if (c === '^' || c === '$') {
        at++;
        continue;
      } else if (c === '(') {
        at++;
        const lookaround = /^\?[=!]|^\?<[=!]/.exec(pattern.slice(at));
        if (pattern.startsWith('?:', at)) {
          at += 2;
        } else if (pattern.startsWith('?<', at) && !lookaround) {
          at = pattern.indexOf('>', at) + 1;
        } else if (lookaround) {
          at += lookaround[0].length;
        }
        const alternatives = [sequence()];
        while (pattern[at] === '|') {
          at++;
          alternatives.push(sequence());
        }
        at++; // ')'
        atom = lookaround ? '' : alternatives[0];
      } else if (c === '[') {
        const end = pattern.indexOf(']', at + 2);
        const negated = pattern[at + 1] === '^';
        atom = pickFromClass(
          pattern.slice(at + (negated ? 2 : 1), end),
          negated,
        );
        at = end + 1;
      } else if (c === '\\') {
        const e = pattern[at + 1];
        atom = ({ d: '0', w: 'a', s: ' ' } as Record<string, string>)[e] ?? e;
        at += 2;
      } else if (c === '.') {
        atom = 'a';
        at++;
      } else {
        atom = c;
        at++;
      }
      let times = 1;
      const quantifier = /^(\*|\+|\?|\{(\d+)(,\d*)?\})\??/.exec(
        pattern.slice(at),
      );
      if (quantifier) {
        at += quantifier[0].length;
        // The fewest repetitions: none for * and ?, one for +, n for {n,m}.
        const fewest: Record<string, number> = { '*': 0, '?': 0, '+': 1 };
        times = fewest[quantifier[1]] ?? Number(quantifier[2]);
      }
      out += atom.repeat(times);
    }
    return out;
  };
  try {
    const alternatives = [sequence()];
    while (pattern[at] === '|') {
      at++;
      alternatives.push(sequence());
    }
    return alternatives[0];
  } catch {
    return undefined;
  }
}

function fits(value: string, schema: JsonSchema): boolean {
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    return false;
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    return false;
  }
  if (schema.pattern) {
    try {
      return new RegExp(schema.pattern, 'u').test(value);
    } catch {
      return true;
    }
  }
  return true;
}

function sampleString(schema: JsonSchema, name: string): string {
  const slug = `check-${kebab(name) || 'value'}`;
  const kind = entityKind(schema);
  if (kind) {
    return stringifyEntityRef({ kind, namespace: 'default', name: slug });
  }
  if (schema['ui:field'] === 'RepoUrlPicker') {
    return `github.com?owner=check&repo=${slug}`;
  }
  const byFormat: Record<string, string> = {
    email: 'check@example.com',
    uri: `https://example.com/${slug}`,
    url: `https://example.com/${slug}`,
    date: '2026-01-01',
    'date-time': '2026-01-01T00:00:00Z',
  };
  const candidates = [
    byFormat[schema.format],
    slug,
    'check',
    `https://git.example.com/check/${slug}.git`,
    `git@git.example.com:check/${slug}.git`,
    `${slug}-1`,
    '1',
    schema.pattern && fromPattern(schema.pattern),
  ].filter((c): c is string => typeof c === 'string');
  const found = candidates.find(candidate => fits(candidate, schema));
  if (found) {
    return found;
  }
  // Long enough for minLength, cut to maxLength: the dry run says if it fails.
  return slug
    .padEnd(schema.minLength ?? 0, 'x')
    .slice(0, schema.maxLength ?? undefined);
}

function sampleNumber(schema: JsonSchema): number {
  let value =
    schema.minimum ??
    (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
  if (schema.maximum !== undefined && value > schema.maximum) {
    value = schema.maximum;
  }
  return value;
}

/** One answer: undefined when an optional field has nothing to offer. */
export function sampleValue(
  schema: JsonSchema,
  required: boolean,
  name: string,
): unknown {
  if (!schema || typeof schema !== 'object') {
    return undefined;
  }
  if ('default' in schema) {
    return schema.default;
  }
  if (Array.isArray(schema.examples) && schema.examples.length) {
    return schema.examples[0];
  }
  if ('const' in schema) {
    return schema.const;
  }
  if (Array.isArray(schema.enum) && schema.enum.length) {
    return schema.enum[0];
  }
  if (!required) {
    return undefined;
  }
  const type = [schema.type ?? 'string'].flat().find(t => t !== 'null');
  switch (type) {
    case 'integer':
    case 'number':
      return sampleNumber(schema);
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () =>
        sampleValue(schema.items ?? {}, true, name),
      );
    case 'object':
      return sampleObject(schema);
    default:
      return sampleString(schema, name);
  }
}

function sampleObject(schema: JsonSchema): Record<string, unknown> {
  const required = new Set<string>(schema.required ?? []);
  const values: Record<string, unknown> = {};
  for (const [name, property] of Object.entries<JsonSchema>(
    schema.properties ?? {},
  )) {
    const value = sampleValue(property, required.has(name), name);
    if (value !== undefined) {
      values[name] = value;
    }
  }
  return values;
}

/** Answers for every page of the wizard (`spec.parameters`, one page or a list). */
export function sampleValues(parameters: unknown): Record<string, unknown> {
  return Object.assign({}, ...wizardPages(parameters).map(sampleObject));
}
