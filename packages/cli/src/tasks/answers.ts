/*
 * The wizard's answers, from the command line: flags mapped to the
 * template's own parameter names, typed and filled with the schema's
 * defaults, then validated against the template's parameter schema, step by
 * step, as the wizard does, with the wizard's wording (the field's title; for
 * a pattern, the help the wizard shows under the field). Nothing is started
 * while any answer is wrong.
 */
import Ajv, { ErrorObject } from 'ajv';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ExitCode } from '../exitCodes';
import { CliError, PortalClient } from '../portal/PortalClient';
import {
  CatalogFilter,
  describeCatalogFilter,
  getEntity,
  matchesCatalogFilter,
} from './catalog';
import { JsonSchema, ParameterSchema } from './scaffolder';

/** A flag as given, and the parameter names it may stand for (the first one the template declares wins). */
export interface FlagValue {
  /** As the user types it: `--env`. */
  flag: string;
  params: string[];
  value: unknown;
}

export interface Answers {
  values: Record<string, unknown>;
  /** Where each value came from, for messages: `--name`, `--set ttl`, `default`, `your team`. */
  sources: Map<string, string>;
  /** Problems found while deriving answers, by the parameter they concern. */
  problems: Map<string, string>;
  /**
   * Parameters not reported as missing: they would be derived from an
   * answer that has a problem (the system from the owner).
   */
  pending: Set<string>;
}

/** The wizard's pickers: their values are entity refs. */
const PICKERS = new Set([
  'EntityPicker',
  'OwnerPicker',
  'OwnedEntityPicker',
  'MyGroupsPicker',
]);

const LOCALE = 'en-US';

/** Every parameter the wizard asks for, by name (the first declaration wins). */
export function wizardFields(
  parameters: ParameterSchema,
): Map<string, JsonSchema> {
  const fields = new Map<string, JsonSchema>();
  const visit = (schema: JsonSchema | undefined) => {
    if (!schema || typeof schema !== 'object') {
      return;
    }
    for (const [name, property] of Object.entries<JsonSchema>(
      schema.properties ?? {},
    )) {
      if (!fields.has(name)) {
        fields.set(name, property);
      }
    }
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      (schema[key] ?? []).forEach(visit);
    }
    visit(schema.then);
    visit(schema.else);
    for (const dependency of Object.values<JsonSchema>(
      schema.dependencies ?? {},
    )) {
      if (!Array.isArray(dependency)) {
        visit(dependency);
      }
    }
  };
  parameters.steps.forEach(step => visit(step.schema));
  return fields;
}

function hours(value: string): number | undefined {
  const match = value.trim().match(/^(\d+)\s*(h|d|w)$/i);
  if (!match) {
    return undefined;
  }
  const unit = { h: 1, d: 24, w: 168 }[
    match[2].toLocaleLowerCase(LOCALE) as 'h' | 'd' | 'w'
  ];
  return Number(match[1]) * unit;
}

/**
 * The enum value a typed answer means: the value in any case, its label
 * (`enumNames`: `--database PostgreSQL`), or the same duration written
 * another way (`--ttl 3d` for `72h`).
 */
function enumValue(value: string, schema: JsonSchema): unknown {
  const options: unknown[] = schema.enum ?? [];
  const lower = value.toLocaleLowerCase(LOCALE);
  const byValue = options.find(
    o => String(o).toLocaleLowerCase(LOCALE) === lower,
  );
  if (byValue !== undefined) {
    return byValue;
  }
  const names: unknown[] = schema.enumNames ?? [];
  const index = names.findIndex(
    n => String(n).toLocaleLowerCase(LOCALE) === lower,
  );
  if (index >= 0 && index < options.length) {
    return options[index];
  }
  const duration = hours(value);
  if (duration !== undefined) {
    const same = options.find(o => hours(String(o)) === duration);
    if (same !== undefined) {
      return same;
    }
  }
  return value;
}

/**
 * A command-line string as the schema's type wants it; left as typed when
 * it does not fit, so that validation says why.
 */
export function coerce(
  value: unknown,
  schema: JsonSchema | undefined,
): unknown {
  if (typeof value !== 'string' || !schema) {
    return value;
  }
  const types: string[] = [schema.type ?? []].flat();
  if (
    (types.includes('integer') || types.includes('number')) &&
    /^-?\d+(\.\d+)?$/.test(value.trim())
  ) {
    return Number(value);
  }
  if (types.includes('boolean') && /^(true|false)$/i.test(value.trim())) {
    return value.trim().toLocaleLowerCase(LOCALE) === 'true';
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    return enumValue(value, schema);
  }
  return value;
}

/** Exit 2 with every problem: one on its own line, several under a heading. */
export function badInput(templateRef: string, problems: string[]): CliError {
  if (problems.length === 1) {
    return new CliError(problems[0], ExitCode.BadInput);
  }
  return new CliError(
    [
      `${problems.length} problems with the answers for ${templateRef} (nothing was started):`,
      ...problems.map(p => `  ${p}`),
    ].join('\n'),
    ExitCode.BadInput,
  );
}

/**
 * The flags as the template's parameters. A flag the template has no
 * parameter for is refused (it would be dropped silently otherwise), and so
 * is a `--set` of an undeclared parameter.
 */
export function mapFlags(options: {
  templateRef: string;
  fields: Map<string, JsonSchema>;
  flags: FlagValue[];
  sets?: string[];
}): Answers {
  const { templateRef, fields } = options;
  const answers: Answers = {
    values: {},
    sources: new Map(),
    problems: new Map(),
    pending: new Set(),
  };
  const asksFor = `it asks for ${[...fields.keys()].join(', ')}`;
  const problems: string[] = [];
  for (const { flag, params, value } of options.flags) {
    if (value === undefined) {
      continue;
    }
    const param = params.find(p => fields.has(p));
    if (!param) {
      problems.push(
        `${flag}: ${templateRef} has no parameter ${params.join(
          ' or ',
        )} (${asksFor})`,
      );
      continue;
    }
    answers.values[param] = coerce(value, fields.get(param));
    answers.sources.set(param, flag);
  }
  for (const assignment of options.sets ?? []) {
    const at = assignment.indexOf('=');
    const name = at > 0 ? assignment.slice(0, at) : assignment;
    if (at <= 0) {
      problems.push(`--set ${assignment}: expected <parameter>=<value>`);
    } else if (!fields.has(name)) {
      problems.push(
        `--set ${name}: ${templateRef} has no parameter ${name} (${asksFor})`,
      );
    } else {
      answers.values[name] = coerce(assignment.slice(at + 1), fields.get(name));
      answers.sources.set(name, `--set ${name}`);
    }
  }
  if (problems.length > 0) {
    throw badInput(templateRef, problems);
  }
  return answers;
}

/** The schema's defaults for what was not answered, as the wizard pre-fills them. */
export function applyDefaults(answers: Answers, parameters: ParameterSchema) {
  for (const step of parameters.steps) {
    for (const [name, property] of Object.entries<JsonSchema>(
      step.schema.properties ?? {},
    )) {
      if (answers.values[name] === undefined && 'default' in property) {
        answers.values[name] = property.default;
        answers.sources.set(name, 'default');
      }
    }
  }
}

export function isPicker(schema: JsonSchema | undefined): boolean {
  return Boolean(schema && PICKERS.has(schema['ui:field']));
}

/** A picker's catalogFilter, always as a list (any one matches). */
export function pickerFilter(schema: JsonSchema): CatalogFilter[] | undefined {
  const filter = schema['ui:options']?.catalogFilter;
  if (!filter) {
    return undefined;
  }
  return Array.isArray(filter) ? filter : [filter];
}

/** The kind a picker's short answer means (`--owner platform-team` → Group). */
function pickerDefaultKind(schema: JsonSchema): string | undefined {
  const options = schema['ui:options'] ?? {};
  if (options.defaultKind) {
    return options.defaultKind;
  }
  const kinds = new Set(
    (pickerFilter(schema) ?? [])
      .map(f => f.kind)
      .filter((k): k is string => typeof k === 'string'),
  );
  if (kinds.size === 1) {
    return [...kinds][0];
  }
  return schema['ui:field'] === 'OwnerPicker' ? 'Group' : undefined;
}

/** A picker's answer as the full ref the wizard's picker would store. */
export function completeEntityRef(
  value: string,
  schema: JsonSchema,
): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: pickerDefaultKind(schema),
        defaultNamespace: schema['ui:options']?.defaultNamespace || 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/** Completes every picker answer to a full entity ref, in place. */
export function completeEntityRefs(
  answers: Answers,
  fields: Map<string, JsonSchema>,
) {
  for (const [name, value] of Object.entries(answers.values)) {
    const schema = fields.get(name);
    if (typeof value === 'string' && schema && isPicker(schema)) {
      answers.values[name] = completeEntityRef(value, schema) ?? value;
    }
  }
}

/** The flag that sets a parameter, for messages about it. */
export type FlagFor = (param: string) => string;

function oneLine(text: unknown): string | undefined {
  return typeof text === 'string'
    ? text.replace(/\s+/g, ' ').trim() || undefined
    : undefined;
}

/** A template's own message for a keyword (ajv-errors' `errorMessage`, which the wizard's validator honours). */
function customMessage(
  schema: JsonSchema | undefined,
  keyword: string,
): string | undefined {
  const declared = schema?.errorMessage;
  if (typeof declared === 'string') {
    return declared;
  }
  if (declared && typeof declared[keyword] === 'string') {
    return declared[keyword];
  }
  return undefined;
}

function schemaAt(
  root: JsonSchema,
  path: string[],
  fields: Map<string, JsonSchema>,
): JsonSchema | undefined {
  let schema: JsonSchema | undefined = root;
  for (const key of path) {
    schema = schema?.properties?.[key] ?? schema?.items;
  }
  return schema ?? (path.length === 1 ? fields.get(path[0]) : undefined);
}

/** One ajv error as the wizard words it, led by the flag that set (or would set) the field. */
function describeError(
  error: ErrorObject,
  stepSchema: JsonSchema,
  values: Record<string, unknown>,
  fields: Map<string, JsonSchema>,
  flagFor: FlagFor,
): { param: string; message: string } {
  const path = error.instancePath
    .split('/')
    .filter(Boolean)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    const fieldPath = [...path, missing];
    const field = schemaAt(stepSchema, fieldPath, fields);
    const title = field?.title ?? missing;
    const help = oneLine(field?.['ui:help']) ?? oneLine(field?.description);
    const message =
      customMessage(field, 'required') ??
      `must have required property '${title}'`;
    return {
      param: fieldPath[0],
      message: `${flagFor(fieldPath[0])}: ${message}${
        help ? ` (${help})` : ''
      }`,
    };
  }
  const field = schemaAt(stepSchema, path, fields);
  const param = path[0] ?? '';
  const title = field?.title ?? path[path.length - 1] ?? 'The answers';
  const custom = customMessage(field, error.keyword);
  let message = `'${title}' ${custom ?? error.message}`;
  if (!custom && error.keyword === 'pattern') {
    const help = oneLine(field?.['ui:help']) ?? oneLine(field?.description);
    if (help) {
      message += `: ${help}`;
    }
  }
  if (!custom && error.keyword === 'enum') {
    const allowed: unknown[] = error.params.allowedValues ?? [];
    message += `: ${allowed.map(v => String(v)).join(', ')}`;
  }
  const value = param ? values[param] : undefined;
  const label = param ? flagFor(param) : 'answers';
  return {
    param,
    message: `${label}${
      value === undefined ? '' : ` ${JSON.stringify(value)}`
    }: ${message}`,
  };
}

/**
 * The answers against each of the wizard's steps: the problems in the
 * wizard's words, none when the answers fit. A parameter whose problem was
 * already found (answers.problems) is not reported twice, and one waiting
 * for another answer (answers.pending) not at all.
 */
export function validateAnswers(options: {
  parameters: ParameterSchema;
  answers: Answers;
  flagFor: FlagFor;
}): string[] {
  const { parameters, answers, flagFor } = options;
  const fields = wizardFields(parameters);
  // strict: false, as the wizard's validator: templates carry ui:* keys,
  // enumNames and other keywords ajv does not know.
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  const problems: string[] = [...answers.problems.values()];
  for (const step of parameters.steps) {
    let validate;
    try {
      validate = ajv.compile(step.schema);
    } catch (error) {
      problems.push(
        `the wizard's step "${
          step.title
        }" has a schema that does not compile: ${(error as Error).message}`,
      );
      continue;
    }
    if (validate(answers.values)) {
      continue;
    }
    for (const error of validate.errors ?? []) {
      const { param, message } = describeError(
        error,
        step.schema,
        answers.values,
        fields,
        flagFor,
      );
      if (
        !answers.problems.has(param) &&
        !answers.pending.has(param) &&
        !problems.includes(message)
      ) {
        problems.push(message);
      }
    }
  }
  return problems;
}

/**
 * Picker answers must name entities the picker would offer: in the catalog
 * and within its catalogFilter (a team for an owner, a service for a
 * preview). `known` saves lookups the command already made.
 */
export async function checkPickedEntities(options: {
  portal: PortalClient;
  answers: Answers;
  fields: Map<string, JsonSchema>;
  flagFor: FlagFor;
  known?: Map<string, Entity>;
}): Promise<string[]> {
  const { portal, answers, fields, flagFor } = options;
  const problems: string[] = [];
  for (const [name, value] of Object.entries(answers.values)) {
    const schema = fields.get(name);
    if (
      !schema ||
      !isPicker(schema) ||
      typeof value !== 'string' ||
      answers.problems.has(name)
    ) {
      continue;
    }
    const title = schema.title ?? name;
    const entity =
      options.known?.get(value) ?? (await getEntity(portal, value));
    if (!entity) {
      problems.push(
        `${flagFor(name)} ${JSON.stringify(
          value,
        )}: '${title}': the catalog holds no ${value}`,
      );
      continue;
    }
    const filter = pickerFilter(schema);
    if (!matchesCatalogFilter(entity, filter)) {
      const type = (entity.spec as { type?: string } | undefined)?.type;
      problems.push(
        `${flagFor(name)} ${JSON.stringify(
          value,
        )}: '${title}' must be ${describeCatalogFilter(filter)} (it is ${
          entity.kind
        }${type ? `, spec.type=${type}` : ''})`,
      );
    }
  }
  return problems;
}

/** Everything above, in order; exit 2 with every problem when any answer is wrong. */
export async function prepareAnswers(options: {
  portal: PortalClient;
  templateRef: string;
  parameters: ParameterSchema;
  flags: FlagValue[];
  sets?: string[];
  /** Command-specific defaults (owner, system, …), applied before the schema's. */
  derive?: (answers: Answers, fields: Map<string, JsonSchema>) => Promise<void>;
  known?: Map<string, Entity>;
}): Promise<Answers> {
  const { portal, templateRef, parameters } = options;
  const fields = wizardFields(parameters);
  const answers = mapFlags({
    templateRef,
    fields,
    flags: options.flags,
    sets: options.sets,
  });
  const flagFor: FlagFor = param => {
    const source = answers.sources.get(param);
    if (source?.startsWith('--')) {
      return source;
    }
    const flag = options.flags.find(
      f => f.params.find(p => fields.has(p)) === param,
    );
    return flag?.flag ?? `--set ${param}=…`;
  };
  completeEntityRefs(answers, fields);
  await options.derive?.(answers, fields);
  completeEntityRefs(answers, fields);
  applyDefaults(answers, parameters);
  const problems = validateAnswers({ parameters, answers, flagFor });
  problems.push(
    ...(await checkPickedEntities({
      portal,
      answers,
      fields,
      flagFor,
      known: options.known,
    })),
  );
  if (problems.length > 0) {
    throw badInput(templateRef, problems);
  }
  return answers;
}
