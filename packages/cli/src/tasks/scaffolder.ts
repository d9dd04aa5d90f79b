/*
 * The scaffolder's REST API (plugin-scaffolder-backend 4.x, /api/scaffolder/v2)
 * as the CLI uses it: the shapes below are what its router answers.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import { PortalClient } from '../portal/PortalClient';

/** A JSON schema as the templates write it (with the wizard's `ui:*` keys). */
export type JsonSchema = Record<string, any>;

/** GET /v2/templates/:namespace/:kind/:name/parameter-schema */
export interface ParameterSchema {
  title: string;
  description?: string;
  steps: Array<{ title: string; description?: string; schema: JsonSchema }>;
}

export interface TaskStep {
  id: string;
  name: string;
  action: string;
  if?: unknown;
}

export type TaskStatus =
  | 'open'
  | 'processing'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'skipped';

/** GET /v2/tasks/:taskId (the router's serializeTask). */
export interface Task {
  id: string;
  status: TaskStatus;
  createdAt: string;
  lastHeartbeatAt?: string;
  createdBy?: string;
  spec: {
    steps: TaskStep[];
    templateInfo?: { entityRef?: string };
    user?: { ref?: string };
    parameters?: Record<string, unknown>;
  };
}

export interface OutputLink {
  title?: string;
  url?: string;
  entityRef?: string;
  icon?: string;
}

export interface TaskOutput {
  links?: OutputLink[];
  text?: Array<{ title?: string; content?: string }>;
  [key: string]: unknown;
}

export type StepStatus =
  | 'processing'
  | 'completed'
  | 'failed'
  | 'skipped'
  | 'cancelled';

/** What a step or the task logs (the body of a task event, or a dry-run log line). */
export interface LogBody {
  message?: string;
  stepId?: string;
  status?: StepStatus;
  /** On the completion event of a task that succeeded. */
  output?: TaskOutput;
  /** On the completion event of a task that failed. */
  error?: { name?: string; message?: string };
}

/** GET /v2/tasks/:taskId/events: one row of the task's event log. */
export interface TaskEvent {
  id: number;
  taskId: string;
  type: 'log' | 'completion' | 'cancelled' | 'recovered';
  createdAt: string;
  body: LogBody;
}

/** POST /v2/dry-run */
export interface DryRunResult {
  log: Array<{ body: LogBody }>;
  directoryContents: Array<{
    path: string;
    base64Content: string;
    executable?: boolean;
  }>;
  output: TaskOutput;
  steps: TaskStep[];
}

const base = '/api/scaffolder/v2';

export function getParameterSchema(
  portal: PortalClient,
  templateRef: string,
): Promise<ParameterSchema> {
  const { kind, namespace, name } = parseEntityRef(templateRef, {
    defaultKind: 'template',
  });
  return portal.json<ParameterSchema>(
    `${base}/templates/${encodeURIComponent(namespace)}/${encodeURIComponent(
      kind,
    )}/${encodeURIComponent(name)}/parameter-schema`,
  );
}

export async function startTask(
  portal: PortalClient,
  templateRef: string,
  values: Record<string, unknown>,
): Promise<string> {
  const { id } = await portal.json<{ id: string }>(`${base}/tasks`, {
    method: 'POST',
    body: JSON.stringify({ templateRef, values }),
  });
  return id;
}

export function getTask(portal: PortalClient, taskId: string): Promise<Task> {
  return portal.json<Task>(`${base}/tasks/${encodeURIComponent(taskId)}`);
}

/**
 * The task's events after `after` (all when undefined). The scaffolder
 * long-polls: it answers as soon as there are events, or `[]` after 30 s.
 * The completion event comes back on every call once the task has ended.
 */
export function getTaskEvents(
  portal: PortalClient,
  taskId: string,
  after?: number,
): Promise<TaskEvent[]> {
  const query = after === undefined ? '' : `?after=${after}`;
  return portal.json<TaskEvent[]>(
    `${base}/tasks/${encodeURIComponent(taskId)}/events${query}`,
  );
}

/** The raw dry-run response: the caller reads its status and body. */
export function postDryRun(
  portal: PortalClient,
  body: {
    template: unknown;
    values: Record<string, unknown>;
    directoryContents: Array<{ path: string; base64Content: string }>;
  },
): Promise<Response> {
  return portal.request(`${base}/dry-run`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
}
