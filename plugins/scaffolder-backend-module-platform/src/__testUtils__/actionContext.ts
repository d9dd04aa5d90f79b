import { validate } from 'jsonschema';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { HttpDouble } from '@internal/platform-api-doubles';

/** Retries as in production, without the waiting. */
export const fastRetries = { retries: 3, baseDelayMs: 1 };

/**
 * A mock action context. The mock ignores `isDryRun` and `checkpoint`, so
 * pass them in `extra` and they are set on the result.
 */
export function actionContext(
  input: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return { ...createMockActionContext({ input: input as any }), ...extra };
}

/** The outputs an action set, by name. */
export function outputsOf(ctx: { output: unknown }): Record<string, any> {
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

/** Collects every log line the action writes through `ctx.logger`. */
export function captureLogs(ctx: { logger: any }): string[] {
  const logged: string[] = [];
  for (const level of ['error', 'warn', 'info', 'debug']) {
    ctx.logger[level] = (message: string) => {
      logged.push(message);
    };
  }
  return logged;
}

/** Everything a run shows a user or an operator: logs, outputs and an error. */
export function visibleText(
  ctx: { output: unknown },
  logged: string[],
  error?: Error,
): string {
  return JSON.stringify([
    logged,
    (ctx.output as jest.Mock).mock.calls,
    error?.message,
  ]);
}

/**
 * Bad input that is type-correct passes the scaffolder's JSON Schema check;
 * the handler must then refuse it with `message`, before calling the remote
 * system at all.
 */
export async function expectRefusedBeforeAnyCall(
  action: {
    schema?: { input?: unknown };
    handler: (ctx: any) => Promise<void>;
  },
  input: Record<string, unknown>,
  message: string,
  double: HttpDouble,
  errorName: 'InputError' | 'NotAllowedError' = 'InputError',
) {
  expect(validate(input, action.schema!.input as any).errors).toEqual([]);
  await expect(action.handler(actionContext(input))).rejects.toMatchObject({
    name: errorName,
    message: expect.stringContaining(message),
  });
  expect(double.requests).toHaveLength(0);
}
