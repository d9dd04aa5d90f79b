/*
 * A task's log as the terminal shows it: `[n/m] <step title>` when a step
 * starts, its log lines indented below, ✓ or ✗ when it ends, and a skipped
 * step on one line with the reason. The same printer reads a live task's
 * events and a dry run's log.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import { PortalClient } from '../portal/PortalClient';
import {
  LogBody,
  StepStatus,
  Task,
  TaskEvent,
  TaskOutput,
  TaskStep,
  getTask,
  getTaskEvents,
} from '../portal/scaffolder';

const INDENT = '      ';

/** An error's message without its stack frames. */
export function withoutStack(message: string): string[] {
  return message
    .split('\n')
    .filter(line => !/^\s+at\s/.test(line))
    .map(line => line.trimEnd())
    .filter(Boolean);
}

function seconds(from?: string, to?: string): string {
  if (!from || !to) {
    return '';
  }
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ` in ${(ms / 1000).toFixed(1)}s` : '';
}

export class TaskLog {
  private readonly printed = new Set<string>();
  private readonly startedAt = new Map<string, string>();
  /** The last status each step reported. */
  readonly stepStatus = new Map<string, StepStatus>();
  /** The completion event's body, once the task has ended. */
  completion?: LogBody;

  constructor(
    private readonly steps: TaskStep[],
    private readonly out: (line: string) => void,
  ) {}

  private title(stepId: string): string {
    const index = this.steps.findIndex(s => s.id === stepId);
    if (index < 0) {
      return `[?/${this.steps.length}] ${stepId}`;
    }
    const step = this.steps[index];
    return `[${index + 1}/${this.steps.length}] ${step.name ?? step.id}`;
  }

  private header(stepId: string) {
    if (!this.printed.has(stepId)) {
      this.printed.add(stepId);
      this.out(this.title(stepId));
    }
  }

  /** One task event or dry-run log line. */
  handle(event: {
    type?: TaskEvent['type'];
    body: LogBody;
    createdAt?: string;
  }) {
    const { body } = event;
    if (event.type === 'completion') {
      this.completion = body;
      return;
    }
    if (event.type === 'cancelled') {
      this.out(`Cancel requested${body.message ? `: ${body.message}` : ''}`);
      return;
    }
    const message = body.message ?? '';
    const { stepId, status } = body;
    if (!stepId) {
      // Task-level lines; "Starting up task with N steps" says what [n/m] says.
      if (message && !/^Starting up task with \d+ steps$/.test(message)) {
        this.out(message);
      }
      return;
    }
    if (status) {
      this.stepStatus.set(stepId, status);
    }
    switch (status) {
      case 'processing':
        this.header(stepId);
        if (event.createdAt) {
          this.startedAt.set(stepId, event.createdAt);
        }
        if (!message.startsWith('Beginning step ')) {
          this.lines(message);
        }
        return;
      case 'completed':
        this.header(stepId);
        this.out(
          message.startsWith('Finished step ') || !message
            ? `${INDENT}✓ done${seconds(
                this.startedAt.get(stepId),
                event.createdAt,
              )}`
            : `${INDENT}✓ ${message}`,
        );
        return;
      case 'skipped': {
        const reason = message
          .replace(/^Skipping step \S+ because /, '')
          .replace(/^Skipping because /, '');
        if (this.printed.has(stepId)) {
          this.out(`${INDENT}– skipped: ${reason}`);
        } else {
          this.printed.add(stepId);
          this.out(`${this.title(stepId)} – skipped: ${reason}`);
        }
        return;
      }
      case 'failed': {
        this.header(stepId);
        const [first = 'failed', ...rest] = withoutStack(message);
        this.out(`${INDENT}✗ ${first}`);
        rest.forEach(line => this.out(`${INDENT}  ${line}`));
        return;
      }
      case 'cancelled':
        this.header(stepId);
        this.out(`${INDENT}✗ cancelled`);
        return;
      default:
        this.header(stepId);
        this.lines(message);
    }
  }

  private lines(message: string) {
    for (const line of message.split('\n')) {
      if (line.trim()) {
        this.out(`${INDENT}${line.trimEnd()}`);
      }
    }
  }
}

/**
 * Reads the task's events from the start; with `follow`, keeps
 * long-polling until the completion event. Returns the task as it stands
 * at the end (its status is the outcome).
 */
export async function readTaskLog(
  portal: PortalClient,
  task: Task,
  log: TaskLog,
  options: { follow: boolean },
): Promise<Task> {
  let after: number | undefined;
  for (;;) {
    const events = await getTaskEvents(portal, task.id, after);
    for (const event of events) {
      if (
        after !== undefined &&
        event.id <= after &&
        event.type !== 'completion'
      ) {
        continue;
      }
      after = Math.max(after ?? 0, event.id);
      log.handle(event);
      if (event.type === 'completion') {
        return getTask(portal, task.id);
      }
    }
    if (!options.follow) {
      return getTask(portal, task.id);
    }
    if (events.length === 0) {
      // The scaffolder answers [] after 30 s without news; a proxy in
      // between may answer sooner. Either way, ask again shortly.
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  }
}

/** Where the portal shows an entity (the scaffolder's entityRef links). */
export function entityUrl(appUrl: string, ref: string): string {
  const { kind, namespace, name } = parseEntityRef(ref);
  return `${appUrl.replace(/\/+$/, '')}/catalog/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}`;
}

/**
 * The task's output: its links (`title: url`; an entity link as the
 * portal's page for it) and any plain values (`namespace: …`). Links the
 * template renders empty (a step that did not run) are left out.
 */
export function printOutput(
  output: TaskOutput | undefined,
  out: (line: string) => void,
  appUrl: string,
) {
  if (!output) {
    return;
  }
  const lines: string[] = [];
  for (const link of output.links ?? []) {
    let url = link.url;
    if (!url && link.entityRef) {
      try {
        url = entityUrl(appUrl, link.entityRef);
      } catch {
        url = link.entityRef;
      }
    }
    if (url) {
      lines.push(`${link.title ?? link.entityRef ?? 'Link'}: ${url}`);
    }
  }
  for (const [key, value] of Object.entries(output)) {
    if (key === 'links' || key === 'text') {
      continue;
    }
    if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      if (value !== '') {
        lines.push(`${key}: ${value}`);
      }
    }
  }
  if (lines.length > 0) {
    out('');
    lines.forEach(line => out(line));
  }
}
