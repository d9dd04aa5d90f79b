import { InputError } from '@backstage/errors';
import { z as zodV3 } from 'zod/v3';
import { DNS1123_LABEL, DNS1123_LABEL_MESSAGE, invalidLabels } from './names';

/*
 * zod v3, not the zod 4 used elsewhere: createTemplateAction hands schema
 * callbacks the `z` of 'zod/v3' and converts what they return to JSON Schema
 * with zod-to-json-schema, which reads v3 schemas only. parseInput runs the
 * same callbacks, so it parses with v3 as well.
 */

/** The zod the scaffolder hands to action schemas. */
export type Zod = typeof zodV3;

/** An action's input schema: one zod callback per field. */
export type FieldSchemas = Record<string, (z: Zod) => zodV3.ZodTypeAny>;

/** What parseInput returns for these fields (optional fields may be absent). */
export type InputOf<F extends FieldSchemas> = zodV3.output<
  zodV3.ZodObject<{ [K in keyof F]: ReturnType<F[K]> }>
>;

/*
 * Why refinements instead of .regex()/.max(): the scaffolder turns action
 * schemas into JSON Schema and validates with it before the handler runs; a
 * pattern there fails with "does not match pattern ^[a-z0-9]…", which tells
 * a template author nothing. Refinements are left out of the JSON Schema, so
 * the handler's own parse (parseInput) reports our messages instead.
 */

/** A string that must match `pattern`, with a message saying what to fix. */
export function matching(
  z: Zod,
  pattern: RegExp,
  message: string,
  maxLength = 255,
) {
  return z
    .string()
    .refine(value => value.length <= maxLength && pattern.test(value), {
      message,
    });
}

/**
 * The name of a configured target (ArgoCD instance, Vault server, cluster):
 * resolved against app-config by pickTarget, which refuses unknown names.
 */
export function targetName(z: Zod, what: string, configPath: string) {
  return z
    .string()
    .min(1)
    .describe(
      `Name of the ${what} from app-config (${configPath}[].name), e.g. "prod".`,
    );
}

/** A Kubernetes RFC 1123 label (namespace, application, team). */
export function dns1123Label(z: Zod, what: string) {
  return matching(z, DNS1123_LABEL, `${what} ${DNS1123_LABEL_MESSAGE}`, 63);
}

/**
 * Validates the input against the action's own field schemas and returns the
 * parsed value (defaults applied), or throws an InputError listing every
 * field to fix. Nothing has been written when this throws.
 */
export function parseInput<F extends FieldSchemas>(
  actionId: string,
  fields: F,
  input: unknown,
): InputOf<F> {
  const schema = zodV3.object(
    Object.fromEntries(
      Object.entries(fields).map(([key, field]) => [key, field(zodV3)]),
    ),
  );
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      issue => `${issue.path.join('.') || 'input'}: ${issue.message}`,
    );
    throw new InputError(
      `Invalid input to ${actionId}: ${problems.join('; ')}`,
    );
  }
  return result.data as InputOf<F>;
}

/** Refuses Kubernetes labels (a map) with any invalid key or value. */
export function assertValidLabels(labels: Record<string, string>) {
  const bad = invalidLabels(labels);
  if (bad.length) {
    throw new InputError(
      `Invalid Kubernetes labels: ${bad.join(
        ', ',
      )}. Keys are [prefix/]name, values at most 63 of [A-Za-z0-9-_.].`,
    );
  }
}
