/*
 * The scaffolder's REST API (plugin-scaffolder-backend 4.x, /api/scaffolder/v2)
 * as the CLI uses it: the shapes below are what its router answers.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import { PortalClient, portalMessage, readBody } from './PortalClient';

/**
 * A JSON schema: a wizard page as the templates write it (with `ui:*`
 * keys), or an action's input or output as the portal lists it.
 */
export type JsonSchema = Record<string, any>;

/** GET /v2/actions: an action with its input and output schemas. */
export interface TemplateAction {
  id: string;
  description?: string;
  schema?: { input?: JsonSchema; output?: JsonSchema };
}

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

/** A file as the dry run takes and renders them. */
export interface DryRunFile {
  path: string;
  base64Content: string;
  executable?: boolean;
}

/** POST /v2/dry-run: a template (the entity), the answers and the template's files. */
export interface DryRunRequest {
  template: unknown;
  values: Record<string, unknown>;
  directoryContents: DryRunFile[];
}

/** What POST /v2/dry-run answers when it ran. */
export interface DryRunResult {
  log: Array<{ body: LogBody }>;
  directoryContents: DryRunFile[];
  output: TaskOutput;
  steps: TaskStep[];
}

/**
 * How a dry run went: its result, or the scaffolder's refusal: the answers
 * against the wizard's schema (a 400 listing `refusedAnswers`), or any
 * other error with the portal's message.
 */
export type DryRunOutcome =
  | { ok: true; result: DryRunResult }
  | {
      ok: false;
      status: number;
      statusText: string;
      /** The portal's message, if it said anything. */
      message?: string;
      /** Why the answers do not satisfy the wizard's schema (400). */
      refusedAnswers?: string[];
    };

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

/** The portal's actions with their schemas. */
export function fetchActions(portal: PortalClient): Promise<TemplateAction[]> {
  return portal.json<TemplateAction[]>(`${base}/actions`);
}

/** Runs the template without writing anything; a refusal is an outcome, not an error. */
export async function dryRun(
  portal: PortalClient,
  request: DryRunRequest,
): Promise<DryRunOutcome> {
  const response = await portal.request(`${base}/dry-run`, {
    method: 'POST',
    body: JSON.stringify(request),
  });
  const body = await readBody(response);
  if (response.ok) {
    return { ok: true, result: body.json as DryRunResult };
  }
  const errors: unknown = body.json?.errors;
  return {
    ok: false,
    status: response.status,
    statusText: response.statusText,
    message: portalMessage(body),
    refusedAnswers:
      response.status === 400 && Array.isArray(errors)
        ? errors.map(
            (e: { stack?: string; message?: string }) =>
              e.stack ?? e.message ?? String(e),
          )
        : undefined,
  };
}
