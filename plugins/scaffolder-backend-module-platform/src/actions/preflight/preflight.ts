import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { parseInput, Zod } from '../../lib/validation';
import { examples } from './preflight.examples';

const ACTION_ID = 'paved-road:preflight';

export const inputFields = {
  steps: (z: Zod) =>
    z
      .array(
        z.object({
          action: z.string().describe('Id of a Paved Road action'),
          input: z
            .record(z.string(), z.unknown())
            .describe('The input the real step will get'),
        }),
      )
      .min(1)
      .describe(
        'The Paved Road steps of the template, in order, with the inputs their real steps get.',
      ),
};

/** Refusals keep their kind, so a refused run reads as 403, 409 or 404 alike. */
const ERROR_KINDS = [NotAllowedError, ConflictError, NotFoundError, InputError];

function refusalLike(first: unknown, message: string): Error {
  const Kind =
    ERROR_KINDS.find(kind => first instanceof kind) ??
    ERROR_KINDS.find(kind => (first as Error)?.name === kind.name) ??
    InputError;
  return new Kind(message);
}

/**
 * Plan, then write: runs every listed Paved Road step as a dry run (input
 * validation, reserved names, who asks, the target, the read-compare against
 * what exists) before the template writes anything. One refused step fails
 * the run here, with every refusal listed, and nothing has been written.
 */
export function createPreflightAction(options: {
  /** The actions a preflight may check; all support dry runs. */
  actions: TemplateAction<any, any, any>[];
}) {
  const byId = new Map(options.actions.map(action => [action.id, action]));

  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Checks every Paved Road step of a template as a dry run before the first write, so a run that one step would refuse writes nothing. Put it first.',
    examples,
    supportsDryRun: true,
    schema: { input: inputFields },
    async handler(ctx) {
      const { steps } = parseInput(ACTION_ID, inputFields, ctx.input);
      const unknown = steps.filter(step => !byId.has(step.action));
      if (unknown.length) {
        throw new InputError(
          `Invalid input to ${ACTION_ID}: ${unknown
            .map(step => `"${step.action}"`)
            .join(', ')} cannot be checked; it checks ${[...byId.keys()]
            .map(id => `"${id}"`)
            .join(', ')}.`,
        );
      }

      const refusals: Array<{ at: string; error: unknown }> = [];
      for (const [index, step] of steps.entries()) {
        const action = byId.get(step.action)!;
        const at = `step ${index + 1} of ${steps.length} (${action.id})`;
        try {
          await action.handler({
            ...ctx,
            input: step.input,
            isDryRun: true,
            // A dry run's outputs are the plan, not the template's outputs.
            output: () => {},
          } as any);
          ctx.logger.info(`Preflight ${at}: would go through`);
        } catch (error) {
          ctx.logger.error(`Preflight ${at}: ${(error as Error).message}`);
          refusals.push({ at, error });
        }
      }
      if (refusals.length) {
        // One line per refused step: the task page renders the message as
        // Markdown, where a list keeps a "kube-*" pattern from turning the
        // rest of the text italic.
        throw refusalLike(
          refusals[0].error,
          [
            `Preflight refused ${refusals.length} of ${steps.length} steps; nothing was written. Fix the input and run again:`,
            ...refusals.map(
              ({ at, error }) => `- ${at}: ${(error as Error).message}`,
            ),
          ].join('\n'),
        );
      }
    },
  });
}
