/*
 * A loopback double of the portal's APIs the create, status and logs
 * commands use, on port 0: guest sign-in and userinfo (auth-backend), the
 * catalog's by-query, by-name and by-refs, and the scaffolder's
 * parameter-schema, tasks, task, events (long-poll) and dry-run, with the
 * real paths, status codes and bodies (plugin-scaffolder-backend 4.x). The
 * templates are the repository's own templates/, registered as the catalog
 * registers file locations.
 */
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import yaml from 'yaml';

const repoRoot = path.resolve(__dirname, '../../../../..');

type Json = Record<string, any>;

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body?: any;
}

/** How the next task runs: to the end, or failing at a step with a message. */
export type TaskScript = { failAt?: { stepId: string; message: string } };

interface DoubleTask {
  id: string;
  status: 'open' | 'processing' | 'completed' | 'failed';
  createdAt: string;
  createdBy: string;
  spec: Json;
  events: Json[];
  pending: Json[];
  timer?: NodeJS.Timeout;
}

export interface PortalDouble {
  url: string;
  requests: RecordedRequest[];
  /** Requests to one method and path prefix. */
  calls(method: string, pathPrefix: string): RecordedRequest[];
  /** The script the next task created runs. */
  nextTask: TaskScript;
  /** Starts a task as POST /v2/tasks would (for logs/status tests). */
  startTask(templateRef: string, values: Json): string;
  close(): Promise<void>;
}

export interface DoubleOptions {
  /** The guest's groups (the `ent` claim userinfo returns). */
  userGroups?: string[];
  /** Milliseconds between two task events. */
  eventInterval?: number;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The repository's templates, as the catalog serves entities loaded from file locations. */
function templateEntities(): Json[] {
  const dir = path.join(repoRoot, 'templates');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter(e => e.isDirectory())
    .map(e => path.join(dir, e.name, 'template.yaml'))
    .filter(file => fs.existsSync(file))
    .map(file => {
      const entity = yaml.parse(fs.readFileSync(file, 'utf8'));
      entity.metadata.namespace = 'default';
      entity.metadata.uid = `uid-${entity.metadata.name}`;
      entity.metadata.annotations = {
        'backstage.io/managed-by-location': `file:${file}`,
        'backstage.io/managed-by-origin-location': `file:${path.join(
          dir,
          'all.yaml',
        )}`,
      };
      entity.relations = [
        { type: 'ownedBy', targetRef: 'group:default/platform-team' },
      ];
      return entity;
    });
}

function organisation(): Json[] {
  const group = (name: string, type: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type, children: [] },
    relations: [],
  });
  const system = (name: string, owner: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, namespace: 'default' },
    spec: { owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  });
  return [
    group('engineering', 'department'),
    group('fulfilment-team', 'team'),
    group('platform-team', 'team'),
    system('order-management', 'fulfilment-team'),
    system('shipping', 'fulfilment-team'),
    system('developer-platform', 'platform-team'),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'orders-service',
        namespace: 'default',
        annotations: {
          'github.com/project-slug': 'acme-freight/orders-service',
        },
      },
      spec: {
        type: 'service',
        owner: 'fulfilment-team',
        lifecycle: 'production',
        system: 'order-management',
      },
      relations: [
        { type: 'ownedBy', targetRef: 'group:default/fulfilment-team' },
      ],
    },
  ];
}

function ref(entity: Json): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${
    entity.metadata.name
  }`.toLocaleLowerCase('en-US');
}

/** The catalog's filter semantics: case-insensitive, arrays descended, relations.<type>=<ref>. */
function matches(entity: Json, condition: string): boolean {
  const [key, value] = condition
    .split('=', 2)
    .map(s => s.toLocaleLowerCase('en-US'));
  if (key.startsWith('relations.')) {
    const type = key.slice('relations.'.length);
    return (entity.relations ?? []).some(
      (r: Json) =>
        r.type.toLocaleLowerCase('en-US') === type &&
        r.targetRef.toLocaleLowerCase('en-US') === value,
    );
  }
  let values: any[] = [entity];
  for (const part of key.split('.')) {
    values = values
      .flatMap(v => (Array.isArray(v) ? v : [v]))
      .flatMap(v => {
        if (typeof v === 'string') {
          // An array's string items match as `<key>.<item>=true`.
          return v.toLocaleLowerCase('en-US') === part ? ['true'] : [];
        }
        return v && typeof v === 'object' && part in v ? [v[part]] : [];
      });
  }
  const found = values
    .flatMap(v => (Array.isArray(v) ? v : [v]))
    .map(v => String(v).toLocaleLowerCase('en-US'));
  return value === undefined ? found.length > 0 : found.includes(value);
}

function errorBody(
  req: http.IncomingMessage,
  status: number,
  name: string,
  message: string,
) {
  return {
    error: { name, message },
    request: { method: req.method, url: req.url },
    response: { statusCode: status },
  };
}

export async function startPortalDouble(
  options: DoubleOptions = {},
): Promise<PortalDouble> {
  const entities = [...templateEntities(), ...organisation()];
  const userRef = 'user:development/guest';
  const ent = [userRef, ...(options.userGroups ?? [])];
  // A token shaped like auth-backend's: no `ent` claim (omitted by default).
  const token = `${base64url({ alg: 'ES256', kid: 'double' })}.${base64url({
    iss: 'http://localhost/api/auth',
    sub: userRef,
    aud: 'backstage',
    iat: 1,
    exp: 4102444800,
  })}.signature`;
  const tasks = new Map<string, DoubleTask>();
  const waiters = new Map<string, Array<() => void>>();
  const requests: RecordedRequest[] = [];
  const interval = options.eventInterval ?? 2;
  let taskCount = 0;
  // One sequence across tasks, as the task_events table's ids.
  let eventCount = 0;

  const wake = (taskId: string) => {
    (waiters.get(taskId) ?? []).splice(0).forEach(resolve => resolve());
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(error => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(errorBody(req, 500, 'Error', String(error))));
    });
  });
  const double: PortalDouble = {
    url: '',
    requests,
    nextTask: {},
    calls: (method, prefix) =>
      requests.filter(r => r.method === method && r.path.startsWith(prefix)),
    startTask(templateRef, values) {
      const template = entities.find(e => ref(e) === templateRef);
      if (!template) {
        throw new Error(`no template ${templateRef}`);
      }
      taskCount += 1;
      const id = `00000000-0000-4000-8000-${String(taskCount).padStart(
        12,
        '0',
      )}`;
      const steps = template.spec.steps.map((s: Json) => ({
        ...s,
        name: s.name ?? s.action,
      }));
      const task: DoubleTask = {
        id,
        status: 'open',
        createdAt: new Date().toISOString(),
        createdBy: userRef,
        spec: {
          apiVersion: template.apiVersion,
          steps,
          output: template.spec.output ?? {},
          parameters: values,
          user: { ref: userRef },
          templateInfo: { entityRef: templateRef },
        },
        events: [],
        pending: scriptEvents(steps, values, double.nextTask),
      };
      double.nextTask = {};
      tasks.set(id, task);
      const release = () => {
        const body = task.pending.shift();
        if (!body) {
          return;
        }
        const { type = 'log', ...rest } = body;
        if (type !== 'completion') {
          task.status = 'processing';
        } else {
          task.status = rest.error ? 'failed' : 'completed';
        }
        task.events.push({
          id: ++eventCount,
          taskId: id,
          type,
          body: rest,
          createdAt: new Date().toISOString(),
        });
        wake(id);
        task.timer = setTimeout(release, interval);
      };
      task.timer = setTimeout(release, interval);
      return id;
    },
    async close() {
      tasks.forEach(t => clearTimeout(t.timer));
      waiters.forEach((_, id) => wake(id));
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString();
    const body = text ? JSON.parse(text) : undefined;
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body,
    });
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const fail = (status: number, name: string, message: string) =>
      send(status, errorBody(req, status, name, message));
    const route = `${req.method} ${url.pathname}`;

    if (route === 'GET /api/auth/guest/refresh') {
      send(200, {
        backstageIdentity: {
          token,
          identity: {
            type: 'user',
            userEntityRef: userRef,
            ownershipEntityRefs: ent,
          },
        },
        profile: {},
      });
      return;
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      fail(401, 'AuthenticationError', 'Missing credentials');
      return;
    }
    if (route === 'GET /api/auth/v1/userinfo') {
      send(200, { claims: { sub: userRef, ent } });
      return;
    }
    if (route === 'GET /api/catalog/entities/by-query') {
      const filters = url.searchParams.getAll('filter');
      const items = entities.filter(
        e =>
          filters.length === 0 ||
          filters.some(f => f.split(',').every(c => matches(e, c))),
      );
      send(200, { items, totalItems: items.length, pageInfo: {} });
      return;
    }
    const byName = url.pathname.match(
      /^\/api\/catalog\/entities\/by-name\/([^/]+)\/([^/]+)\/([^/]+)$/,
    );
    if (req.method === 'GET' && byName) {
      const wanted = `${byName[1]}:${byName[2]}/${byName[3]}`.toLocaleLowerCase(
        'en-US',
      );
      const entity = entities.find(e => ref(e) === wanted);
      if (entity) {
        send(200, entity);
      } else {
        fail(
          404,
          'NotFoundError',
          `No entity named '${byName[3]}' found, with kind '${byName[1]}' in namespace '${byName[2]}'`,
        );
      }
      return;
    }
    if (route === 'POST /api/catalog/entities/by-refs') {
      send(200, {
        items: (body.entityRefs as string[]).map(
          r =>
            entities.find(e => ref(e) === r.toLocaleLowerCase('en-US')) ?? null,
        ),
      });
      return;
    }
    const schema = url.pathname.match(
      /^\/api\/scaffolder\/v2\/templates\/([^/]+)\/([^/]+)\/([^/]+)\/parameter-schema$/,
    );
    if (req.method === 'GET' && schema) {
      const template = entities.find(
        e =>
          ref(e) ===
          `${schema[2]}:${schema[1]}/${schema[3]}`.toLocaleLowerCase('en-US'),
      );
      if (!template) {
        fail(404, 'NotFoundError', `Template ${schema[3]} not found`);
        return;
      }
      send(200, {
        title: template.metadata.title ?? template.metadata.name,
        description: template.metadata.description,
        steps: [template.spec.parameters ?? []].flat().map((s: Json) => ({
          title: s.title ?? 'Please enter the following information',
          description: s.description,
          schema: s,
        })),
      });
      return;
    }
    if (route === 'POST /api/scaffolder/v2/tasks') {
      const templateRef = String(body.templateRef).toLocaleLowerCase('en-US');
      if (!entities.some(e => ref(e) === templateRef)) {
        fail(404, 'NotFoundError', `Template ${templateRef} not found`);
        return;
      }
      send(201, { id: double.startTask(templateRef, body.values) });
      return;
    }
    const taskRoute = url.pathname.match(
      /^\/api\/scaffolder\/v2\/tasks\/([^/]+)(\/events)?$/,
    );
    if (req.method === 'GET' && taskRoute) {
      const task = tasks.get(taskRoute[1]);
      if (!task) {
        fail(
          404,
          'NotFoundError',
          `Task with id ${taskRoute[1]} does not exist`,
        );
        return;
      }
      if (!taskRoute[2]) {
        send(200, {
          id: task.id,
          spec: task.spec,
          status: task.status,
          createdAt: task.createdAt,
          lastHeartbeatAt: task.createdAt,
          createdBy: task.createdBy,
        });
        return;
      }
      const afterParam = url.searchParams.get('after');
      const after = afterParam === null ? undefined : Number(afterParam);
      // As DatabaseTaskStore.listEvents: id > after, or the completion.
      const since = () =>
        task.events.filter(
          e => after === undefined || e.id > after || e.type === 'completion',
        );
      let events = since();
      if (events.length === 0) {
        await new Promise<void>(resolve => {
          const list = waiters.get(task.id) ?? [];
          list.push(resolve);
          waiters.set(task.id, list);
        });
        events = since();
      }
      send(200, events);
      return;
    }
    if (route === 'POST /api/scaffolder/v2/dry-run') {
      if (!body?.template || !Array.isArray(body.directoryContents)) {
        fail(400, 'InputError', 'Malformed request');
        return;
      }
      const steps = body.template.spec.steps.map((s: Json) => ({
        ...s,
        name: s.name ?? s.action,
      }));
      send(200, {
        log: dryRunLog(steps),
        directoryContents: (body.directoryContents as Json[])
          .filter(f => f.path.startsWith('skeleton/'))
          .map(f => ({
            path: f.path.slice('skeleton/'.length),
            base64Content: f.base64Content,
            executable: false,
          })),
        output: { links: [{ title: 'Repository', url: '' }] },
        steps,
      });
      return;
    }
    fail(404, 'NotFoundError', `Not found: ${route}`);
  }
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  double.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return double;
}

/** The events a task emits, as NunjucksWorkflowRunner and TaskWorker word them. */
function scriptEvents(steps: Json[], values: Json, script: TaskScript): Json[] {
  const events: Json[] = [
    { message: `Starting up task with ${steps.length} steps` },
  ];
  let failed: string | undefined;
  for (const step of steps) {
    if (failed) {
      events.push({
        message: `Skipping step ${step.id} because a previous step failed`,
        stepId: step.id,
        status: 'skipped',
      });
      continue;
    }
    if (typeof step.if === 'string' && step.if.includes("== 'github'")) {
      events.push({
        message: `Skipping step ${step.id} because its if condition was false`,
        stepId: step.id,
        status: 'skipped',
      });
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
  if (failed) {
    events.push({
      type: 'completion',
      message: 'Run completed with status: failed',
      error: { name: 'Error', message: failed },
    });
  } else {
    const name = values.name ?? 'preview';
    events.push({
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
    });
  }
  return events;
}

function dryRunLog(steps: Json[]): Json[] {
  return steps.flatMap(step =>
    step.action === 'git:repository:publish' ||
    step.action === 'catalog:location:register'
      ? [
          {
            body: {
              message: `Skipping because ${step.action} does not support dry-run`,
              stepId: step.id,
              status: 'skipped',
            },
          },
        ]
      : [
          {
            body: {
              message: `Beginning step ${step.name}`,
              stepId: step.id,
              status: 'processing',
            },
          },
          {
            body: {
              message: `Dry run: ${step.action} would go through`,
              stepId: step.id,
            },
          },
          {
            body: {
              message: `Finished step ${step.name}`,
              stepId: step.id,
              status: 'completed',
            },
          },
        ],
  );
}
