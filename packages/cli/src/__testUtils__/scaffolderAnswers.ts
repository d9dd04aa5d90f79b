/*
 * What the portal double's scaffolder answers: its action list, a task's
 * events as the task worker emits them, a dry run of the template sent,
 * and the answers a test substitutes for a route (rendered files, a
 * refusal), with the real status codes and bodies.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Json } from './catalogEntities';

/** A route's answer: the status code and the JSON body. */
export interface Answer {
  status: number;
  body: unknown;
}

/** The portal's action list (GET /api/scaffolder/v2/actions), see __fixtures__/README.md. */
export const actionsFixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../__fixtures__/actions.json'), 'utf8'),
);

/** The error body the backend's error handler sends. */
export function errorBody(
  request: { method: string; url: string },
  status: number,
  name: string,
  message: string,
) {
  return {
    error: { name, message },
    request,
    response: { statusCode: status },
  };
}

/** A refusal of the dry run, as the backend's error handler sends it. */
export function refused(status: number, message: string): Answer {
  return {
    status,
    body: errorBody(
      { method: 'POST', url: '/api/scaffolder/v2/dry-run' },
      status,
      status === 400 ? 'InputError' : 'Error',
      message,
    ),
  };
}

/** What the dry run answers when it succeeds: the rendered files. */
export function rendered(files: Record<string, string>): Answer {
  return {
    status: 200,
    body: {
      log: [{ body: { message: 'Starting up task with 1 steps' } }],
      output: {},
      steps: [],
      directoryContents: Object.entries(files).map(([file, text]) => ({
        path: file,
        base64Content: Buffer.from(text).toString('base64'),
        executable: false,
      })),
    },
  };
}

/** A template's steps as the scaffolder names them (a step without a name by its action). */
export function namedSteps(template: Json): Json[] {
  return template.spec.steps.map((s: Json) => ({
    ...s,
    name: s.name ?? s.action,
  }));
}

/**
 * POST /api/scaffolder/v2/dry-run as the scaffolder runs it: every step
 * goes through (the publish and register actions skip, not supporting a
 * dry run), and the skeleton/ sent comes back as the rendered files.
 */
export function dryRunOf(body: Json | undefined): Answer {
  if (!body?.template || !Array.isArray(body.directoryContents)) {
    return {
      status: 400,
      body: errorBody(
        { method: 'POST', url: '/api/scaffolder/v2/dry-run' },
        400,
        'InputError',
        'Malformed request',
      ),
    };
  }
  const steps = namedSteps(body.template);
  const event = (step: Json, message: string, status?: string) => ({
    body: { message, stepId: step.id, ...(status ? { status } : {}) },
  });
  return {
    status: 200,
    body: {
      log: steps.flatMap(step =>
        ['git:repository:publish', 'catalog:location:register'].includes(
          step.action,
        )
          ? [
              event(
                step,
                `Skipping because ${step.action} does not support dry-run`,
                'skipped',
              ),
            ]
          : [
              event(step, `Beginning step ${step.name}`, 'processing'),
              event(step, `Dry run: ${step.action} would go through`),
              event(step, `Finished step ${step.name}`, 'completed'),
            ],
      ),
      directoryContents: (body.directoryContents as Json[])
        .filter(f => f.path.startsWith('skeleton/'))
        .map(f => ({
          path: f.path.slice('skeleton/'.length),
          base64Content: f.base64Content,
          executable: false,
        })),
      output: { links: [{ title: 'Repository', url: '' }] },
      steps,
    },
  };
}

/** How the next task runs: to the end, or failing at a step with a message. */
export type TaskScript = { failAt?: { stepId: string; message: string } };

/** The events (bodies, with their type) a task emits, as NunjucksWorkflowRunner and TaskWorker word them. */
export function taskEvents(
  steps: Json[],
  values: Json,
  script: TaskScript,
): Json[] {
  const events: Json[] = [
    { message: `Starting up task with ${steps.length} steps` },
  ];
  const skip = (step: Json, because: string) =>
    events.push({
      message: `Skipping step ${step.id} because ${because}`,
      stepId: step.id,
      status: 'skipped',
    });
  let failed: string | undefined;
  for (const step of steps) {
    if (failed) {
      skip(step, 'a previous step failed');
      continue;
    }
    if (typeof step.if === 'string' && step.if.includes("== 'github'")) {
      skip(step, 'its if condition was false');
      continue;
    }
    events.push({
      message: `Beginning step ${step.name}`,
      stepId: step.id,
      status: 'processing',
    });
    events.push({
      message: `${step.action}: ${values.name ?? values.service} created`,
      stepId: step.id,
    });
    const failAt = script.failAt;
    if (failAt && failAt.stepId === step.id) {
      failed = failAt.message;
      events.push({
        message: `Error: ${failed}\n    at handler (/app/actions/${step.id}.ts:1:1)`,
        stepId: step.id,
        status: 'failed',
      });
      continue;
    }
    events.push({
      message: `Finished step ${step.name}`,
      stepId: step.id,
      status: 'completed',
    });
  }
  events.push(failed ? failure(failed) : success(values.name ?? 'preview'));
  return events;
}

function failure(message: string): Json {
  return {
    type: 'completion',
    message: 'Run completed with status: failed',
    error: { name: 'Error', message },
  };
}

function success(name: string): Json {
  return {
    type: 'completion',
    message: 'Run completed with status: completed',
    output: {
      links: [
        { title: 'Repository', url: `http://127.0.0.1:7014/git/${name}` },
        {
          title: 'Open in catalog',
          icon: 'catalog',
          entityRef: `component:default/${name}`,
        },
        {
          title: 'ArgoCD application',
          url: `https://argocd.example/applications/${name}`,
        },
      ],
      text: [{ title: 'What was set up', content: '…' }],
    },
  };
}
