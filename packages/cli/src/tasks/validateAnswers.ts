/*
 * The answers against the template's parameter schema, step by step, as
 * the wizard validates them, with the wizard's wording (the field's title;
 * for a pattern, the help the wizard shows under the field).
 */
import Ajv, { ErrorObject } from 'ajv';
import { JsonSchema, ParameterSchema } from '../portal/scaffolder';
import type { Answers, FlagFor } from './answers';
import { wizardFields } from '../templates/wizard';

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
