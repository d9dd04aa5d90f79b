import { validate } from 'jsonschema';
import yaml from 'yaml';
import {
  TemplateAction,
  TemplateExample,
} from '@backstage/plugin-scaffolder-node';
import {
  FieldSchemas,
  parseInput,
} from '@internal/plugin-scaffolder-backend-module-platform';
import { actionContext } from './actionContext';

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

/*
 * The examples check of the platform module's actions
 * (plugins/scaffolder-backend-module-platform/src/__testUtils__/examples.ts),
 * for the dev-only actions here.
 */

/**
 * Replaces every `${{ … }}` in an example's input by `values[expression]`,
 * as the scaffolder renders it before validating; an expression without a
 * value fails the test, naming it.
 */
export function renderExpressions(
  value: unknown,
  values: Record<string, string>,
): unknown {
  if (typeof value === 'string') {
    return value.replace(EXPRESSION, (_, expression: string) => {
      if (!(expression in values)) {
        throw new Error(
          `No value given for the example's \${{ ${expression} }}`,
        );
      }
      return values[expression];
    });
  }
  if (Array.isArray(value)) {
    return value.map(item => renderExpressions(item, values));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        renderExpressions(item, values),
      ]),
    );
  }
  return value;
}

/**
 * Checks every example of an action: each step of it that uses the action,
 * rendered with `values`, passes the JSON Schema the scaffolder checks
 * before the handler runs and the handler's own parseInput; with `dryRun`,
 * the handler then runs it as a dry run, which must go through.
 */
export async function expectExamplesWork(options: {
  examples: TemplateExample[];
  action: TemplateAction<any, any, any>;
  /** The action's input fields, as it passes them to parseInput. */
  fields: FieldSchemas;
  /** What each `${{ … }}` of the examples renders to, by its text. */
  values?: Record<string, string>;
  dryRun?: boolean;
  /** Builds the dry run's context (default: actionContext). */
  context?: (
    input: Record<string, unknown>,
    extra: Record<string, unknown>,
  ) => any;
}) {
  const { examples, action, fields, values = {} } = options;
  const context = options.context ?? actionContext;
  const schema = action.schema!.input as any;
  // Guards against handing in another action's fields.
  expect(Object.keys(fields)).toEqual(Object.keys(schema.properties));
  expect(examples).not.toHaveLength(0);
  for (const [index, example] of examples.entries()) {
    const steps: Array<{ action: string; input?: unknown }> = yaml.parse(
      example.example,
    ).steps;
    const own = steps.filter(step => step.action === action.id);
    try {
      expect(own).not.toHaveLength(0);
      for (const step of own) {
        const input = renderExpressions(step.input ?? {}, values) as Record<
          string,
          unknown
        >;
        expect(validate(input, schema).errors).toEqual([]);
        expect(() => parseInput(action.id, fields, input)).not.toThrow();
        if (options.dryRun) {
          await action.handler(context(input, { isDryRun: true }));
        }
      }
    } catch (error) {
      // Say which example failed; there is one test for all of them.
      (error as Error).message = `Example ${index + 1} ("${
        example.description
      }"): ${(error as Error).message}`;
      throw error;
    }
  }
}
