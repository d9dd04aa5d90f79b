import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import Router from 'express-promise-router';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { scorecardPlugin } from '../plugin';
import { DEFAULT_CHECKS_FILE } from '../checks/CheckLoader';
import { parseChecksFile } from '../checks/parseChecksFile';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { EntityFacts, evaluateEntity } from '../evaluation/evaluateEntity';
import { Evaluator } from '../evaluation/Evaluator';
import { collectCatalogFacts } from './catalogFacts';
import { OnCallFactSource } from './OnCallFactSource';
import { FactSourceResult } from './types';

const defaultSet = parseChecksFile(
  fs.readFileSync(DEFAULT_CHECKS_FILE, 'utf8'),
  DEFAULT_CHECKS_FILE,
);
const hasOncall = defaultSet.checks.find(c => c.id === 'has-oncall')!;

const PAGERDUTY = { 'pagerduty.com/service-id': 'PORD7X2' };
const ON_CALL = { 'paved-road.io/on-call': 'user:default/marco-rossi' };

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

const marco = {
  contact: { name: 'Marco Rossi', email: 'marco@acme.example' },
  from: '2026-11-25T08:00:00Z',
  until: '2026-12-02T08:00:00Z',
};

/** An OnCallAnswer as the on-call backend serves it. */
function answer(
  name: string,
  options: {
    providerId?: string;
    levels?: Array<{ level: number; now: unknown[]; next: unknown[] }>;
    stale?: { fetchedAt: string; reason: string };
  } = {},
) {
  return {
    entityRef: `component:default/${name}`,
    providerId: options.providerId ?? 'pagerduty',
    fetchedAt: options.stale?.fetchedAt ?? new Date().toISOString(),
    stale: Boolean(options.stale),
    ...(options.stale ? { staleReason: options.stale.reason } : {}),
    rotations: [
      {
        service: { id: 'PORD7X2', name: name },
        escalationPolicy: { id: 'PEP1', name: `${name} escalation` },
        levels: options.levels ?? [{ level: 1, now: [marco], next: [] }],
      },
    ],
  };
}

/** Backstage's error body, as the on-call backend's router sends it. */
function errorBody(name: string, message: string, statusCode: number) {
  return {
    error: { name, message },
    request: { method: 'GET', url: '/entities/component/default/x' },
    response: { statusCode },
  };
}

type Reply = { status: number; body?: unknown };

/**
 * The on-call backend on loopback: `/api/oncall/entities/:kind/:namespace/:name`
 * answers from `replies` (by name); every other path is a 404 with no body,
 * as the backend's root router answers a plugin that is not installed.
 */
async function startOnCallBackend() {
  const replies = new Map<string, Reply>();
  const requests: Array<{ path: string; authorization?: string }> = [];
  const server = http.createServer((req, res) => {
    requests.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
    });
    const match = /^\/api\/oncall\/entities\/([^/]+)\/([^/]+)\/([^/?]+)$/.exec(
      req.url ?? '',
    );
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const name = decodeURIComponent(match[3]);
    const reply = replies.get(name) ?? {
      status: 404,
      body: errorBody(
        'NotFoundError',
        `No entity component:default/${name} in the catalog`,
        404,
      ),
    };
    res
      .writeHead(reply.status, { 'Content-Type': 'application/json' })
      .end(JSON.stringify(reply.body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, replies, requests, origin: `http://127.0.0.1:${port}` };
}

describe('OnCallFactSource and the has-oncall check', () => {
  let backend: Awaited<ReturnType<typeof startOnCallBackend>>;

  beforeAll(async () => {
    backend = await startOnCallBackend();
  });
  afterAll(() => backend.server.close());
  beforeEach(() => {
    backend.replies.clear();
    backend.requests.length = 0;
  });

  function source(baseUrl?: string | (() => Promise<string>)) {
    return new OnCallFactSource({
      discovery: {
        getBaseUrl:
          typeof baseUrl === 'function'
            ? baseUrl
            : async () => baseUrl ?? `${backend.origin}/api/oncall`,
        getExternalBaseUrl: async () => '',
      },
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      timeoutMs: 2000,
    });
  }

  async function evaluate(
    entity: Entity,
    from: OnCallFactSource = source(),
    options: { now?: Date; staleAfterMs?: number } = {},
  ) {
    const now = options.now ?? new Date();
    const facts = new EntityFacts(
      {
        catalog: collectCatalogFacts(
          entity,
          { ownerRefs: new Set(), dependencies: new Map() },
          now,
        ),
        oncall: await from.collect(entity),
      },
      now,
      options.staleAfterMs ?? 86_400_000,
    );
    const [result] = evaluateEntity({
      entity,
      checks: [hasOncall],
      facts,
      now,
    });
    return result;
  }

  it('passes when PagerDuty has someone on call now, asking with a service token', async () => {
    backend.replies.set('live', { status: 200, body: answer('live') });
    const result = await evaluate(component('live', PAGERDUTY));
    expect(result).toMatchObject({
      state: 'pass',
      reason: 'oncall.liveRotation is true',
      factValues: { 'oncall.liveRotation': true },
    });
    expect(backend.requests).toEqual([
      {
        path: '/api/oncall/entities/Component/default/live',
        authorization: expect.stringMatching(/^Bearer .+/),
      },
    ]);
  });

  it('fails when the PagerDuty service has nobody on call, whatever the annotations say', async () => {
    backend.replies.set('nobody', {
      status: 200,
      body: answer('nobody', { levels: [] }),
    });
    const result = await evaluate(
      component('nobody', { ...PAGERDUTY, ...ON_CALL }),
    );
    expect(result.state).toBe('fail');
    expect(result.reason).toBe(
      'oncall.liveRotation is false, expected true and oncall.liveSource is true, expected false (oncall: pagerduty has nobody on call now for component:default/nobody)',
    );

    // Levels whose `now` is empty are nobody on call either.
    backend.replies.set('nobody', {
      status: 200,
      body: answer('nobody', {
        levels: [
          { level: 1, now: [], next: [marco] },
          { level: 2, now: [], next: [] },
        ],
      }),
    });
    expect((await evaluate(component('nobody', PAGERDUTY))).state).toBe('fail');
  });

  it('lets the annotations decide when only the annotation answers for the entity, and says so', async () => {
    backend.replies.set('annotated', {
      status: 200,
      body: answer('annotated', { providerId: 'annotation' }),
    });
    const result = await evaluate(component('annotated', ON_CALL));
    expect(result).toMatchObject({
      state: 'pass',
      reason:
        "oncall.liveSource is false; annotations has 'paved-road.io/on-call' (oncall: no on-call source but the annotations for component:default/annotated (the on-call backend answers from 'annotation'): the annotations decide)",
    });
    // Someone on call through the annotation is no live rotation.
    expect(result.factValues).toMatchObject({
      'oncall.liveRotation': false,
      'oncall.liveSource': false,
    });

    backend.replies.set('silent', {
      status: 200,
      body: { ...answer('silent', { providerId: 'none' }), rotations: [] },
    });
    const silent = await evaluate(component('silent', {}));
    expect(silent.state).toBe('fail');
    expect(silent.reason).toContain(
      "(oncall: no on-call source but the annotations for component:default/silent (the on-call backend answers from 'none'): the annotations decide)",
    );
  });

  it('fails, saying why, when PagerDuty does not have the service (404)', async () => {
    const message =
      'component:default/ghost names PagerDuty service PGHOST1 in pagerduty.com/service-id, which PagerDuty does not have';
    backend.replies.set('ghost', {
      status: 404,
      body: errorBody('NotFoundError', message, 404),
    });
    const result = await evaluate(component('ghost', PAGERDUTY));
    expect(result.state).toBe('fail');
    expect(result.reason).toContain(
      `(oncall: the on-call backend answered 404: ${message})`,
    );
  });

  it('is no data, never a fail, when PagerDuty is down and nothing is remembered (503)', async () => {
    backend.replies.set('down', {
      status: 503,
      body: errorBody(
        'ServiceUnavailableError',
        'PagerDuty answered 429 three times',
        503,
      ),
    });
    const result = await evaluate(component('down', PAGERDUTY));
    expect(result).toMatchObject({
      state: 'no_data',
      reason: expect.stringContaining(
        'no data for oncall.liveRotation: the on-call backend answered 503: PagerDuty answered 429 three times',
      ),
    });
  });

  it('reuses its last answer, dated, while the on-call backend fails', async () => {
    const oncall = source();
    backend.replies.set('flaky', { status: 200, body: answer('flaky') });
    expect((await evaluate(component('flaky', PAGERDUTY), oncall)).state).toBe(
      'pass',
    );
    backend.replies.set('flaky', {
      status: 503,
      body: errorBody('ServiceUnavailableError', 'PagerDuty is down', 503),
    });
    const result = await evaluate(component('flaky', PAGERDUTY), oncall);
    expect(result.state).toBe('pass');
    expect(result.reason).toMatch(
      /^oncall\.liveRotation is true \(oncall: the on-call backend answered 503: PagerDuty is down; this is its answer from \d{4}-\d\d-\d\dT/,
    );
  });

  it('counts a stale answer with someone on call, saying when it is from', async () => {
    const fetchedAt = new Date(Date.now() - 3_600_000).toISOString();
    backend.replies.set('stale', {
      status: 200,
      body: answer('stale', {
        stale: {
          fetchedAt,
          reason: `pagerduty unreachable (timeout), showing what we knew at ${fetchedAt}`,
        },
      }),
    });
    const result = await evaluate(component('stale', PAGERDUTY));
    expect(result).toMatchObject({
      state: 'pass',
      reason: `oncall.liveRotation is true (oncall: pagerduty's answer from ${fetchedAt}, served stale (pagerduty unreachable (timeout), showing what we knew at ${fetchedAt}))`,
      // The facts are as old as the answer.
      facts: expect.arrayContaining([
        { source: 'oncall', collectedAt: fetchedAt },
      ]),
    });

    // Older than scorecard.staleAfter: no data, like any stale fact.
    const old = await evaluate(component('stale', PAGERDUTY), source(), {
      staleAfterMs: 60_000,
    });
    expect(old).toMatchObject({
      state: 'no_data',
      reason: expect.stringContaining(
        `no data for oncall.liveRotation: stale: oncall facts were collected at ${fetchedAt}`,
      ),
    });
  });

  it('lets the annotations decide, saying why, when the on-call backend is not installed (404 on the whole path)', async () => {
    const notInstalled = source(`${backend.origin}/api/elsewhere`);
    const url = `${backend.origin}/api/elsewhere/entities/Component/default/old-school`;

    const annotated = await evaluate(
      component('old-school', PAGERDUTY),
      notInstalled,
    );
    expect(annotated).toMatchObject({
      state: 'pass',
      reason: `oncall.liveSource is false; annotations has 'pagerduty.com/service-id' (oncall: the on-call backend is not installed (GET ${url} answered 404): the annotations decide)`,
    });

    const bare = await evaluate(component('old-school', {}), notInstalled);
    expect(bare.state).toBe('fail');
    expect(bare.reason).toContain(
      `(oncall: the on-call backend is not installed (GET ${url} answered 404): the annotations decide)`,
    );

    // A discovery that knows no such plugin says the same.
    const undiscovered = source(async () => {
      throw Object.assign(new Error("no plugin 'oncall'"), {
        name: 'NotFoundError',
      });
    });
    expect(
      await evaluate(component('old-school', ON_CALL), undiscovered),
    ).toMatchObject({
      state: 'pass',
      reason: expect.stringContaining(
        "(oncall: the on-call backend is not installed (discovery: no plugin 'oncall'): the annotations decide)",
      ),
    });
  });

  it('is no data when the on-call backend cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise(r => closed.close(r));
    const result = await evaluate(
      component('unreachable', ON_CALL),
      source(`http://127.0.0.1:${port}/api/oncall`),
    );
    expect(result.state).toBe('no_data');
    expect(result.reason).toContain(
      `the on-call backend could not be asked (GET http://127.0.0.1:${port}/api/oncall/entities/Component/default/unreachable)`,
    );
  });
});

describe('has-oncall in a backend, with and without the on-call plugin', () => {
  const GHOST =
    'component:default/ghost names PagerDuty service PGHOST1 in pagerduty.com/service-id, which PagerDuty does not have';
  const callers: string[] = [];

  /** The on-call backend's route, as a plugin of the same backend. */
  const onCallStandIn = createBackendPlugin({
    pluginId: 'oncall',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = Router();
          router.get('/entities/:kind/:namespace/:name', async (req, res) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['service'],
            });
            callers.push(credentials.principal.subject);
            if (req.params.name === 'ghost') {
              throw new NotFoundError(GHOST);
            }
            res.json(answer(req.params.name));
          });
          httpRouter.use(router);
        },
      });
    },
  });

  async function hasOncallOf(name: string, withOnCall: boolean) {
    const { server } = await startTestBackend({
      features: [
        scorecardPlugin,
        catalogServiceMock.factory({
          entities: [
            component('live', PAGERDUTY),
            component('ghost', PAGERDUTY),
          ],
        }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        ...(withOnCall ? [onCallStandIn] : []),
      ],
    });
    const res = await request(server).post(
      `/api/scorecard/entities/component/default/${name}/evaluate`,
    );
    expect(res.status).toBe(200);
    return {
      port: (server.address() as AddressInfo).port,
      check: res.body.checks.find((c: any) => c.checkId === 'has-oncall'),
    };
  }

  beforeEach(() => {
    callers.length = 0;
  });

  it('asks the on-call backend as the scorecard plugin', async () => {
    const { check } = await hasOncallOf('live', true);
    expect(check).toMatchObject({
      state: 'pass',
      reason: 'oncall.liveRotation is true',
    });
    expect(callers).toEqual(['plugin:scorecard']);

    const ghost = await hasOncallOf('ghost', true);
    expect(ghost.check.state).toBe('fail');
    expect(ghost.check.reason).toContain(
      `(oncall: the on-call backend answered 404: ${GHOST})`,
    );
  });

  it('falls back to the annotations when the backend has no on-call plugin', async () => {
    const { port, check } = await hasOncallOf('live', false);
    expect(check).toMatchObject({
      state: 'pass',
      reason: `oncall.liveSource is false; annotations has 'pagerduty.com/service-id' (oncall: the on-call backend is not installed (GET http://localhost:${port}/api/oncall/entities/Component/default/live answered 404): the annotations decide)`,
    });
  });
});

describe('the evaluator and the on-call facts', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('asks the on-call backend today, never for a replayed day', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseScorecardStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
    // Today PagerDuty has nobody on call for the service.
    const oncall = {
      collect: jest.fn(
        async (): Promise<FactSourceResult> => ({
          source: 'oncall',
          collectedAt: new Date(),
          values: { oncall: { liveSource: true, liveRotation: false } },
          note: 'pagerduty has nobody on call now',
        }),
      ),
    };
    const unavailable = (source: 'github' | 'techdocs') => ({
      collect: async (): Promise<FactSourceResult> => ({
        source,
        collectedAt: new Date(),
        unavailable: 'off',
      }),
    });
    const evaluator = new Evaluator({
      catalog: catalogServiceMock({
        entities: [component('svc', PAGERDUTY)],
      }),
      auth: mockServices.auth(),
      store,
      getChecks: () => ({ ...defaultSet, hash: 'default' }),
      sources: {
        github: unavailable('github'),
        techdocs: unavailable('techdocs'),
        oncall,
      },
      logger: mockServices.logger.mock(),
      staleAfterMs: 86_400_000,
    });
    const hasOncallOfSvc = async () =>
      (await store.getCheckResults('component:default/svc')).find(
        r => r.checkId === 'has-oncall',
      );

    // The on-call backend answers about today's entity, which the past one
    // need not resemble: the past entity's annotations decide.
    await evaluator.evaluatePast([new Date(Date.now() - 86_400_000)], e => e);
    expect(oncall.collect).not.toHaveBeenCalled();
    expect(await hasOncallOfSvc()).toMatchObject({
      state: 'pass',
      reason: expect.stringContaining(
        '(oncall: a replayed day: the on-call backend knows only today: the annotations decide)',
      ),
    });

    await evaluator.evaluateAll();
    expect(oncall.collect).toHaveBeenCalledTimes(1);
    expect(await hasOncallOfSvc()).toMatchObject({
      state: 'fail',
      reason: expect.stringContaining(
        '(oncall: pagerduty has nobody on call now)',
      ),
    });
  });
});
