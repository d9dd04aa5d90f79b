import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

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
