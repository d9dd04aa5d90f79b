/*
 * The wizard's answers, from the command line: flags mapped to the
 * template's own parameter names, typed, completed (picker refs, the
 * command's own defaults, the schema's), then checked against the wizard
 * (validateAnswers.ts) and the catalog (pickers.ts). Nothing is started
 * while any answer is wrong.
 */
import { Entity } from '@backstage/catalog-model';
import { ExitCode } from '../exitCodes';
import { CliError, PortalClient } from '../portal/PortalClient';
import { JsonSchema, ParameterSchema } from '../portal/scaffolder';
import { wizardFields } from '../templates/wizard';
import { checkPickedEntities, completeEntityRefs } from './pickers';
import { validateAnswers } from './validateAnswers';

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

/** The flag that sets a parameter, for messages about it. */
export type FlagFor = (param: string) => string;

const LOCALE = 'en-US';

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

export interface PrepareAnswersOptions {
  portal: PortalClient;
  templateRef: string;
  parameters: ParameterSchema;
  flags: FlagValue[];
  sets?: string[];
  /** Command-specific defaults (owner, system, …), applied before the schema's. */
  derive?: (answers: Answers, fields: Map<string, JsonSchema>) => Promise<void>;
  /** Entities the command already looked up, by ref. */
  known?: Map<string, Entity>;
}

/**
 * The answers a command runs with: flags mapped, picker refs completed, the
 * command's and the schema's defaults applied, then checked against the
 * wizard and the catalog; exit 2 with every problem when any answer is wrong.
 */
export async function prepareAnswers(
  options: PrepareAnswersOptions,
): Promise<Answers> {
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
