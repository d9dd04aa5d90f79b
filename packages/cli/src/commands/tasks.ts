/*
 * platform status <task-id> and platform logs <task-id> [--follow]: any
 * scaffolder task, started here or in the web wizard.
 */
import { Command } from 'commander';
import { ExitCode, ExitCodeValue } from '../exitCodes';
import { StepStatus, Task, getTask } from '../portal/scaffolder';
import type { CliContext } from '../program';
import { TaskLog, readTaskLog, withoutStack } from '../tasks/follow';
import { appUrl, reportOutcome } from '../tasks/run';

const ENDED = new Set(['completed', 'failed', 'cancelled', 'skipped']);

const MARKS: Record<StepStatus | 'pending', string> = {
  completed: '✓',
  failed: '✗',
  cancelled: '✗',
  skipped: '–',
  processing: '…',
  pending: '·',
};

function outcome(task: Task): ExitCodeValue {
  return task.status === 'completed' || !ENDED.has(task.status)
    ? ExitCode.Ok
    : ExitCode.Failed;
}

async function status(context: CliContext, taskId: string) {
  const portal = context.portal();
  let task = await getTask(portal, taskId);
  const log = new TaskLog(task.spec.steps, () => {});
  if (task.status !== 'open') {
    task = await readTaskLog(portal, task, log, { follow: false });
  }
  const { out } = context;
  out(`Task      ${task.id}`);
  out(`Template  ${task.spec.templateInfo?.entityRef ?? 'unknown'}`);
  out(`Status    ${task.status}`);
  out(
    `Created   ${task.createdAt}${
      task.createdBy ? ` by ${task.createdBy}` : ''
    }`,
  );
  out('Steps');
  const steps = task.spec.steps;
  const width = Math.max(0, ...steps.map(s => s.id.length));
  steps.forEach((step, i) => {
    const stepStatus = log.stepStatus.get(step.id);
    const shown =
      stepStatus ?? (ENDED.has(task.status) ? 'not run' : 'not started');
    out(
      `  ${MARKS[stepStatus ?? 'pending']} [${i + 1}/${
        steps.length
      }] ${step.id.padEnd(width)}  ${step.name} (${shown})`,
    );
  });
  const error = log.completion?.error?.message;
  if (error) {
    out(`Error     ${withoutStack(error).join('\n          ')}`);
  }
  context.setExitCode(outcome(task));
}

async function logs(
  context: CliContext,
  taskId: string,
  options: { follow?: boolean },
) {
  const portal = context.portal();
  const task = await getTask(portal, taskId);
  const follow = Boolean(options.follow);
  if (task.status === 'open' && !follow) {
    context.out(
      `Task ${task.id} has not started yet (platform logs ${task.id} --follow waits for it)`,
    );
    return;
  }
  const log = new TaskLog(task.spec.steps, context.out);
  const final = await readTaskLog(portal, task, log, { follow });
  if (!ENDED.has(final.status)) {
    context.out('');
    context.out(
      `Task ${final.id} is ${final.status} (platform logs ${final.id} --follow to wait for the end)`,
    );
    return;
  }
  context.setExitCode(reportOutcome(final, log, context, appUrl(portal)));
}

export function registerTaskCommands(program: Command, context: CliContext) {
  program
    .command('status')
    .description(
      "A scaffolder task's status, template, creator and each step's status; exit 1 when it failed",
    )
    .argument(
      '<task-id>',
      'the task (printed by create, or in the URL of the wizard)',
    )
    .action(async (taskId: string) => status(context, taskId));

  program
    .command('logs')
    .description(
      "A scaffolder task's log so far; with --follow, until it ends (exit 0 done, 1 failed)",
    )
    .argument('<task-id>', 'the task')
    .option('-f, --follow', 'keep reading until the task ends')
    .action(async (taskId: string, options: { follow?: boolean }) =>
      logs(context, taskId, options),
    );
}
