/*
 * What both `create` commands do once the answers are known: print them,
 * then either dry-run the template or start the task and follow it to the
 * end.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ExitCode, ExitCodeValue } from '../exitCodes';
import { PortalClient } from '../portal/PortalClient';
import { JsonSchema, Task, getTask, startTask } from '../portal/scaffolder';
import { Answers } from './answers';
import { printDryRun } from './dryRun';
import { TaskLog, printOutput, readTaskLog, withoutStack } from './follow';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Where the portal's pages are (entity links): $PLATFORM_APP_URL, else the portal's URL. */
export function appUrl(portal: PortalClient): string {
  return process.env.PLATFORM_APP_URL ?? portal.baseUrl;
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The answers as the wizard's review step lists them, with where each came from when not a flag. */
export function printAnswers(
  io: Io,
  template: Entity,
  answers: Answers,
  fields: Map<string, JsonSchema>,
) {
  const ref = stringifyEntityRef(template);
  io.out(`${template.metadata.title ?? template.metadata.name} (${ref})`);
  const names = [...fields.keys()].filter(
    name => answers.values[name] !== undefined,
  );
  const titles = names.map(name => fields.get(name)?.title ?? name);
  const width = Math.max(0, ...titles.map(t => t.length));
  names.forEach((name, i) => {
    const source = answers.sources.get(name);
    const note = source && !source.startsWith('--') ? `  (${source})` : '';
    io.out(
      `  ${titles[i].padEnd(width)}  ${display(answers.values[name])}${note}`,
    );
  });
  io.out('');
}

/** The end of a task: its output links and 0, or what failed and 1. */
export function reportOutcome(
  task: Task,
  log: TaskLog,
  io: Io,
  links: string,
): ExitCodeValue {
  if (task.status === 'completed') {
    io.out('');
    io.out(`✓ Task ${task.id} completed`);
    printOutput(log.completion?.output, io.out, links);
    return ExitCode.Ok;
  }
  if (task.status === 'failed' || task.status === 'cancelled') {
    const failedStep = task.spec.steps.find(
      s => log.stepStatus.get(s.id) === 'failed',
    );
    const reason = log.completion?.error?.message;
    io.out('');
    io.err(
      `✗ Task ${task.id} ${task.status}${
        failedStep ? ` at step "${failedStep.id}" (${failedStep.name})` : ''
      }${reason ? `: ${withoutStack(reason).join('\n  ')}` : ''}`,
    );
    return ExitCode.Failed;
  }
  return ExitCode.Ok;
}

/** Starts the task and streams its log until it ends. */
export async function runTask(options: {
  portal: PortalClient;
  templateRef: string;
  values: Record<string, unknown>;
  io: Io;
}): Promise<ExitCodeValue> {
  const { portal, templateRef, values, io } = options;
  const id = await startTask(portal, templateRef, values);
  io.out(`Task ${id} started (platform status ${id}, platform logs ${id})`);
  io.out('');
  const task = await getTask(portal, id);
  const log = new TaskLog(task.spec.steps, io.out);
  const final = await readTaskLog(portal, task, log, { follow: true });
  return reportOutcome(final, log, io, appUrl(portal));
}

/** The last part of both commands: a dry run, or the real task. */
export async function runOrDryRun(options: {
  portal: PortalClient;
  template: Entity;
  answers: Answers;
  fields: Map<string, JsonSchema>;
  dryRun: boolean;
  io: Io;
}): Promise<ExitCodeValue> {
  const { portal, template, answers, fields, io } = options;
  printAnswers(io, template, answers, fields);
  if (options.dryRun) {
    return printDryRun({
      portal,
      template,
      values: answers.values,
      out: io.out,
      appUrl: appUrl(portal),
    });
  }
  return runTask({
    portal,
    templateRef: stringifyEntityRef(template),
    values: answers.values,
    io,
  });
}
