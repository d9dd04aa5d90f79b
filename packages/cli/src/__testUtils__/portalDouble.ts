/*
 * A loopback double of the portal (port 0) for every CLI test, with the
 * real paths, status codes and bodies: guest sign-in and userinfo
 * (auth-backend), the catalog's by-query (paged), by-name and by-refs, and
 * the scaffolder's actions, parameter-schema, tasks, task, events
 * (long-poll) and dry-run (plugin-scaffolder-backend 4.x). The catalog
 * holds the repository's own templates/; a test may replace it, and answer
 * any route its own way.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { wizardPages } from '../templates/wizard';
import { Json, defaultEntities, entityRef, queryPage } from './catalogEntities';
import {
  Answer,
  TaskScript,
  actionsFixture,
  dryRunOf,
  errorBody,
  namedSteps,
  taskEvents,
} from './scaffolderAnswers';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body?: any;
}

export interface PortalDoubleOptions {
  /** The guest's groups (the `ent` claim userinfo returns). */
  userGroups?: string[];
  /** Milliseconds between two task events. */
  eventInterval?: number;
  /** Tokens accepted besides the guest's (as static tokens are). */
  tokens?: string[];
  /** The most entities the catalog answers in one page. */
  pageSize?: number;
}

export interface PortalDouble {
  url: string;
  /** The token guest sign-in hands out. */
  guestToken: string;
  requests: RecordedRequest[];
  /** Requests to one method and path prefix. */
  calls(method: string, pathPrefix: string): RecordedRequest[];
  /** What the catalog holds (the repository's templates and a small organisation); a test may replace it. */
  entities: Json[];
  /** Answers `route` (`POST /api/scaffolder/v2/dry-run`) as the test says, once signed in. */
  answer(route: string, by: (request: RecordedRequest) => Answer): void;
  /** The script the next task created runs. */
  nextTask: TaskScript;
  /** Starts a task as POST /v2/tasks would (for logs/status tests). */
  startTask(templateRef: string, values: Json): string;
  close(): Promise<void>;
}

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

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export async function startPortalDouble(
  options: PortalDoubleOptions = {},
): Promise<PortalDouble> {
  const userRef = 'user:development/guest';
  const ent = [userRef, ...(options.userGroups ?? [])];
  // A token shaped like auth-backend's: no `ent` claim (omitted by default).
  const guestToken = `${base64url({ alg: 'ES256', kid: 'double' })}.${base64url(
    {
      iss: 'http://localhost/api/auth',
      sub: userRef,
      aud: 'backstage',
      iat: 1,
      exp: 4102444800,
    },
  )}.signature`;
  const accepted = new Set([guestToken, ...(options.tokens ?? [])]);
  const answers = new Map<string, (request: RecordedRequest) => Answer>();
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
      res.end(
        JSON.stringify(
          errorBody(
            { method: req.method ?? 'GET', url: req.url ?? '/' },
            500,
            'Error',
            String(error),
          ),
        ),
      );
    });
  });
  const double: PortalDouble = {
    url: '',
    guestToken,
    requests,
    entities: defaultEntities(),
    nextTask: {},
    calls: (method, prefix) =>
      requests.filter(r => r.method === method && r.path.startsWith(prefix)),
    answer(route, by) {
      answers.set(route, by);
    },
    startTask(templateRef, values) {
      const template = findEntity(templateRef);
      if (!template) {
        throw new Error(`no template ${templateRef}`);
      }
      taskCount += 1;
      const id = `00000000-0000-4000-8000-${String(taskCount).padStart(
        12,
        '0',
      )}`;
      const steps = namedSteps(template);
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
          templateInfo: { entityRef: entityRef(template) },
        },
        events: [],
        pending: taskEvents(steps, values, double.nextTask),
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

  function findEntity(ref: string): Json | undefined {
    const wanted = ref.toLocaleLowerCase('en-US');
    return double.entities.find(e => entityRef(e) === wanted);
  }

  /** A task's events after `after` (DatabaseTaskStore.listEvents), waiting for one when there are none. */
  async function events(task: DoubleTask, after: number | undefined) {
    const since = () =>
      task.events.filter(
        e => after === undefined || e.id > after || e.type === 'completion',
      );
    if (since().length === 0) {
      await new Promise<void>(resolve => {
        const list = waiters.get(task.id) ?? [];
        list.push(resolve);
        waiters.set(task.id, list);
      });
    }
    return since();
  }

  /** The portal's own answer to a signed-in request. */
  async function portalAnswer(request: RecordedRequest): Promise<Answer> {
    const { method, path, query, body } = request;
    const notFound = (message: string): Answer => ({
      status: 404,
      body: errorBody({ method, url: path }, 404, 'NotFoundError', message),
    });
    const key = `${method} ${path}`;
    if (key === 'GET /api/auth/v1/userinfo') {
      return { status: 200, body: { claims: { sub: userRef, ent } } };
    }
    if (key === 'GET /api/catalog/entities/by-query') {
      return {
        status: 200,
        body: queryPage(double.entities, query, options.pageSize ?? 100),
      };
    }
    const byName = path.match(
      /^\/api\/catalog\/entities\/by-name\/([^/]+)\/([^/]+)\/([^/]+)$/,
    );
    if (method === 'GET' && byName) {
      const [, kind, namespace, name] = byName;
      const entity = findEntity(`${kind}:${namespace}/${name}`);
      return entity
        ? { status: 200, body: entity }
        : notFound(
            `No entity named '${name}' found, with kind '${kind}' in namespace '${namespace}'`,
          );
    }
    if (key === 'POST /api/catalog/entities/by-refs') {
      const refs: string[] = body.entityRefs;
      return {
        status: 200,
        body: { items: refs.map(ref => findEntity(ref) ?? null) },
      };
    }
    if (key === 'GET /api/scaffolder/v2/actions') {
      return { status: 200, body: actionsFixture };
    }
    const schema = path.match(
      /^\/api\/scaffolder\/v2\/templates\/([^/]+)\/([^/]+)\/([^/]+)\/parameter-schema$/,
    );
    if (method === 'GET' && schema) {
      const [, namespace, kind, name] = schema;
      const template = findEntity(`${kind}:${namespace}/${name}`);
      if (!template) {
        return notFound(`Template ${name} not found`);
      }
      return {
        status: 200,
        body: {
          title: template.metadata.title ?? template.metadata.name,
          description: template.metadata.description,
          steps: wizardPages(template.spec.parameters).map(page => ({
            title: page.title ?? 'Please enter the following information',
            description: page.description,
            schema: page,
          })),
        },
      };
    }
    if (key === 'POST /api/scaffolder/v2/tasks') {
      const templateRef = String(body.templateRef).toLocaleLowerCase('en-US');
      if (!findEntity(templateRef)) {
        return notFound(`Template ${templateRef} not found`);
      }
      return {
        status: 201,
        body: { id: double.startTask(templateRef, body.values) },
      };
    }
    const taskPath = path.match(
      /^\/api\/scaffolder\/v2\/tasks\/([^/]+)(\/events)?$/,
    );
    if (method === 'GET' && taskPath) {
      const task = tasks.get(taskPath[1]);
      if (!task) {
        return notFound(`Task with id ${taskPath[1]} does not exist`);
      }
      if (taskPath[2]) {
        const after = query.get('after');
        return {
          status: 200,
          body: await events(task, after === null ? undefined : Number(after)),
        };
      }
      return {
        status: 200,
        body: {
          id: task.id,
          spec: task.spec,
          status: task.status,
          createdAt: task.createdAt,
          lastHeartbeatAt: task.createdAt,
          createdBy: task.createdBy,
        },
      };
    }
    if (key === 'POST /api/scaffolder/v2/dry-run') {
      return dryRunOf(body);
    }
    return notFound(`Not found: ${key}`);
  }

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
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: text ? JSON.parse(text) : undefined,
    };
    requests.push(request);
    const send = ({ status, body }: Answer) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (request.path === '/api/auth/guest/refresh') {
      send({
        status: 200,
        body: {
          backstageIdentity: {
            token: guestToken,
            identity: {
              type: 'user',
              userEntityRef: userRef,
              ownershipEntityRefs: ent,
            },
          },
          profile: {},
        },
      });
      return;
    }
    const token = request.authorization?.replace(/^Bearer /, '');
    if (!token || !accepted.has(token)) {
      send({
        status: 401,
        body: errorBody(
          { method: request.method, url: req.url ?? '/' },
          401,
          'AuthenticationError',
          'Missing credentials',
        ),
      });
      return;
    }
    const answer = answers.get(`${request.method} ${request.path}`);
    send(answer ? answer(request) : await portalAnswer(request));
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  double.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return double;
}

/** A URL where nothing listens (a port 0 server, closed). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
