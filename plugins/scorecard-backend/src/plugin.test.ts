import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  scorecardCheckDryRunPermission,
} from '@internal/plugin-scorecard-common';
import { scorecardHistoryExtensionPoint } from '@internal/plugin-scorecard-node';
import { Knex } from 'knex';
import request from 'supertest';
import { scorecardPlugin } from './plugin';
import { startGreenGitHub } from './__testUtils__/greenGitHub';

jest.setTimeout(30_000);

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', parent: 'eng', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'eng', namespace: 'default' },
    spec: { type: 'department', children: ['team-a'] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders',
      namespace: 'default',
      annotations: {
        'pagerduty.com/service-id': 'P1',
        'github.com/project-slug': 'acme/orders',
        'prometheus.io/alerts': 'orders-alerts',
      },
      links: [{ title: 'Grafana dashboard', url: 'https://grafana.example' }],
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orphan', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'ghost' },
  },
];

async function start(
  extra: { permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {},
) {
  const { server } = await startTestBackend({
    features: [
      scorecardPlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      ...(extra.permission
        ? [mockServices.permissions.factory({ result: extra.permission })]
        : []),
    ],
  });
  return server;
}

describe('scorecard plugin', () => {
  it('evaluates the catalog on the scheduler', async () => {
    const { server } = await startTestBackend({
      features: [
        scorecardPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.scheduler.factory({
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    });
    let items: any[] = [];
    for (let i = 0; i < 50 && items.length < 2; i++) {
      const res = await request(server).get('/api/scorecard/entities');
      items = res.body.items ?? [];
      if (items.length < 2) {
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    }
    expect(items.map(i => i.name)).toEqual(['orphan', 'orders']);
  });

  it('replays the history a module registers before evaluating today, through the scheduler', async () => {
    let scheduler: SchedulerService | undefined;
    const days = 10;
    const pastModule = createBackendModule({
      pluginId: 'scorecard',
      moduleId: 'test-history',
      register(reg) {
        reg.registerInit({
          deps: {
            history: scorecardHistoryExtensionPoint,
            pluginScheduler: coreServices.scheduler,
          },
          async init({ history, pluginScheduler }) {
            scheduler = pluginScheduler;
            // The orphan was created 4 days ago; orders had no alerts
            // before 6 days ago.
            history.setPastView({
              days,
              entityAsOf(entity, day) {
                const ago = Math.round(
                  (Date.now() - day.getTime()) / 86_400_000,
                );
                if (entity.metadata.name === 'orphan' && ago > 4) {
                  return undefined;
                }
                if (entity.metadata.name === 'orders' && ago > 6) {
                  const { 'prometheus.io/alerts': _, ...annotations } =
                    entity.metadata.annotations ?? {};
                  return {
                    ...entity,
                    metadata: { ...entity.metadata, annotations },
                  };
                }
                return entity;
              },
            });
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        scorecardPlugin,
        pastModule,
        catalogServiceMock.factory({ entities }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      ],
    });
    const trend = async () =>
      (await request(server).get('/api/scorecard/trend?days=30')).body.days;

    // The change run waits for the replay, which the full run does first.
    await scheduler!.triggerTask('scorecard-evaluate-changed');
    expect(await trend()).toEqual([]);
    await scheduler!.triggerTask('scorecard-evaluate-all');
    const replayed = await trend();
    expect(replayed).toHaveLength(days + 1);
    expect(replayed.map((d: any) => d.entityCount)).toEqual([
      ...Array(days - 4).fill(1),
      ...Array(5).fill(2),
    ]);
    // Orders passes 14 of 18 today (no TechDocs; GitHub, not configured,
    // does not count); 10 of 18 without alerts. The orphan passes nothing.
    expect(replayed[0].score).toBeCloseTo(10 / 18);
    expect(replayed[days - 6].score).toBeCloseTo(14 / 18);
    expect(replayed[days].score).toBeCloseTo(14 / 18 / 2);

    const history = await request(server).get(
      '/api/scorecard/entities/component/default/orders/history?days=30',
    );
    expect(
      history.body.changes
        .filter((c: any) => c.checkId === 'has-monitoring')
        .map((c: any) => [c.previousState, c.state]),
    ).toEqual([
      ['fail', 'pass'],
      [null, 'fail'],
    ]);

    // Replayed once: the next runs evaluate today only.
    await scheduler!.triggerTask('scorecard-evaluate-all');
    await scheduler!.triggerTask('scorecard-evaluate-changed');
    expect(await trend()).toHaveLength(days + 1);
  });

  it('evaluates on demand and serves the entity, list, teams and history', async () => {
    const server = await start();

    await request(server)
      .get('/api/scorecard/entities/component/default/orders')
      .expect(404);

    for (const name of ['orders', 'orphan']) {
      const res = await request(server).post(
        `/api/scorecard/entities/component/default/${name}/evaluate`,
      );
      expect(res.status).toBe(200);
    }

    const entity = await request(server).get(
      '/api/scorecard/entities/component/default/orphan',
    );
    expect(entity.status).toBe(200);
    expect(entity.body).toMatchObject({
      entityRef: 'component:default/orphan',
      criticalFailing: true,
      formula: expect.stringContaining('passed weight / applicable weight'),
      levels: [{ id: 'bronze' }, { id: 'silver' }, { id: 'gold' }],
    });
    const owner = entity.body.checks.find(
      (c: any) => c.checkId === 'has-owner',
    );
    expect(owner).toMatchObject({
      state: 'fail',
      weight: 'critical',
      title: 'Owned by a team',
      remediation: { text: expect.stringContaining('spec.owner') },
      facts: [{ source: 'catalog', collectedAt: expect.any(String) }],
    });
    // No project slug: a definite failure, whether GitHub is configured or not.
    const ci = entity.body.checks.find((c: any) => c.checkId === 'ci-passing');
    expect(ci).toMatchObject({
      state: 'fail',
      reason: expect.stringContaining('github.com/project-slug'),
    });

    // With a slug but GitHub not configured: no data, not counted.
    const orders = await request(server).get(
      '/api/scorecard/entities/component/default/orders',
    );
    expect(
      orders.body.checks.find((c: any) => c.checkId === 'ci-passing'),
    ).toMatchObject({
      state: 'no_data',
      reason: expect.stringContaining('GitHub is not configured'),
    });
    expect(orders.body.criticalFailing).toBe(false);

    const list = await request(server).get('/api/scorecard/entities?limit=1');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.name)).toEqual(['orphan']);
    expect(list.body.totalItems).toBe(2);
    const page2 = await request(server).get(
      `/api/scorecard/entities?limit=1&cursor=${list.body.nextCursor}`,
    );
    expect(page2.body.items.map((i: any) => i.name)).toEqual(['orders']);
    expect(page2.body.nextCursor).toBeUndefined();

    const critical = await request(server).get(
      '/api/scorecard/entities?criticalFailing=true&owner=ghost',
    );
    expect(critical.body.items.map((i: any) => i.name)).toEqual(['orphan']);

    const teams = await request(server).get('/api/scorecard/teams');
    expect(teams.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          owner: 'group:default/ghost',
          criticalFailingCount: 1,
        }),
        expect.objectContaining({
          owner: 'group:default/team-a',
          parent: 'group:default/eng',
          criticalFailingCount: 0,
        }),
        expect.objectContaining({
          owner: 'group:default/eng',
          entityCount: 1,
          direct: expect.objectContaining({ entityCount: 0 }),
        }),
      ]),
    );

    const history = await request(server).get(
      '/api/scorecard/entities/component/default/orphan/history',
    );
    expect(history.status).toBe(200);
    expect(history.body.snapshots).toHaveLength(1);
    expect(history.body.changes.length).toBeGreaterThan(0);

    const trend = await request(server).get('/api/scorecard/trend?days=30');
    expect(trend.status).toBe(200);
    expect(trend.body.days).toHaveLength(1);
    expect(trend.body.days[0].entityCount).toBeGreaterThan(0);
    expect(
      (await request(server).get('/api/scorecard/trend?days=0')).status,
    ).toBe(400);

    const badge = await request(server)
      .get('/api/scorecard/entities/component/default/orphan/badge.svg')
      .buffer(true)
      .parse((res, callback) => {
        let data = '';
        res.on('data', (chunk: Buffer) => {
          data += chunk.toString();
        });
        res.on('end', () => callback(null, data));
      });
    expect(badge.headers['content-type']).toContain('image/svg+xml');
    expect(badge.body).toContain('critical failing');

    await request(server)
      .post('/api/scorecard/entities/component/default/missing/evaluate')
      .expect(404);
  });

  it('answers 400 with a clear message for bad input', async () => {
    const server = await start();
    const bad = await request(server).get(
      '/api/scorecard/entities?orderBy=age&limit=0',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/orderBy/);
    expect(bad.body.error.message).toMatch(/limit/);

    const cursor = await request(server).get(
      '/api/scorecard/entities?cursor=x',
    );
    expect(cursor.status).toBe(400);

    // Refused before any lookup, so the catalog client never sees it.
    const hostile = await request(server).post(
      `/api/scorecard/entities/component/default/${encodeURIComponent(
        "'; DROP TABLE scorecard_entity_scores; --",
      )}/evaluate`,
    );
    expect(hostile.status).toBe(400);
    expect(hostile.body.error.message).toMatch(
      /is not an entity ref: its name must be letters, digits/,
    );
    const hostileWaiver = await request(server)
      .post('/api/scorecard/waivers')
      .send({
        entityRef: 'component:default/sérvice-🚀',
        checkId: 'has-owner',
        reason: 'because',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
    expect(hostileWaiver.status).toBe(400);
    expect(hostileWaiver.body.error.message).toMatch(
      /^entityRef 'component:default\/sérvice-🚀' is not an entity ref/,
    );

    const waiver = await request(server)
      .post('/api/scorecard/waivers')
      .send({ entityRef: 'component:default/orders', checkId: 'nope' });
    expect(waiver.status).toBe(400);
    expect(waiver.body.error.message).toMatch(/reason/);
    expect(waiver.body.error.message).toMatch(/expiresAt/);

    const unknownCheck = await request(server)
      .post('/api/scorecard/waivers')
      .send({
        entityRef: 'component:default/orders',
        checkId: 'nope',
        reason: 'because',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
    expect(unknownCheck.status).toBe(400);
    expect(unknownCheck.body.error.message).toContain("checkId 'nope'");

    const past = await request(server).post('/api/scorecard/waivers').send({
      entityRef: 'component:default/orders',
      checkId: 'has-owner',
      reason: 'because',
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toContain('future');
  });

  it.each([
    [
      '/entities?orderBy=age&limit=0',
      'Invalid query: orderBy: must be one of score, name; limit: must be an integer from 1 to 500',
    ],
    [
      '/entities?limit=ten',
      'Invalid query: limit: must be an integer from 1 to 500',
    ],
    [
      '/entities?limit=',
      'Invalid query: limit: must be an integer from 1 to 500',
    ],
    ['/entities?sort=score', 'Invalid query: sort: unknown parameter'],
    ['/entities?check=', 'Invalid query: check: must be one check id'],
    ['/entities?check=a&check=b', 'Invalid query: check: must be one check id'],
    [
      '/entities?criticalFailing=yes',
      'Invalid query: criticalFailing: must be one of true, false',
    ],
    [
      '/teams?hierarchy=maybe',
      'Invalid query: hierarchy: must be one of true, false',
    ],
    ['/teams?depth=2', 'Invalid query: depth: unknown parameter'],
    ['/trend?days=0', 'Invalid query: days: must be an integer from 1 to 730'],
    [
      '/entities/component/default/orders/history?days=1;%20DROP%20TABLE%20x',
      'Invalid query: days: must be an integer from 1 to 730',
    ],
  ])(
    'refuses %s, naming each bad parameter as the spec allows it',
    async (path, message) => {
      const res = await request(await start()).get(`/api/scorecard${path}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ name: 'InputError', message });
    },
  );

  it('reads list parameters repeated or comma-separated, empty ones ignored', async () => {
    const server = await start();
    await request(server).post(
      '/api/scorecard/entities/component/default/orders/evaluate',
    );
    const listed = async (query: string) => {
      const res = await request(server).get(`/api/scorecard/entities?${query}`);
      expect(res.status).toBe(200);
      return res.body.items.map((i: { entityRef: string }) => i.entityRef);
    };
    const all = await listed('');
    expect(all).toContain('component:default/orders');
    expect(await listed('kind=API,Component')).toEqual(all);
    expect(await listed('kind=api&kind=COMPONENT')).toEqual(all);
    expect(await listed('kind=&owner=&cursor=')).toEqual(all);
    expect(await listed('kind=api')).toEqual([]);
  });

  it('grants a waiver that exempts the check at once', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/scorecard/waivers')
      .send({
        entityRef: 'component:default/orphan',
        checkId: 'has-owner',
        reason: 'team being created',
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/orphan',
      createdBy: mockCredentials.user().principal.userEntityRef,
    });
    const entity = await request(server).get(
      '/api/scorecard/entities/component/default/orphan',
    );
    const owner = entity.body.checks.find(
      (c: any) => c.checkId === 'has-owner',
    );
    expect(owner).toMatchObject({
      state: 'exempt',
      waiver: { reason: 'team being created' },
    });
    expect(entity.body.failingChecks).not.toContain('has-owner');
  });

  it('refuses waivers the permission framework denies, and services', async () => {
    const server = await start({ permission: AuthorizeResult.DENY });
    const body = {
      entityRef: 'component:default/orphan',
      checkId: 'has-owner',
      reason: 'team being created',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
    const denied = await request(server)
      .post('/api/scorecard/waivers')
      .send(body);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain(
      'Not allowed to grant waivers for component:default/orphan',
    );

    const allowed = await start();
    await request(allowed)
      .post('/api/scorecard/waivers')
      .set('Authorization', mockCredentials.service.header())
      .send(body)
      .expect(403);
    await request(allowed)
      .post('/api/scorecard/waivers')
      .set('Authorization', mockCredentials.none.header())
      .send(body)
      .expect(401);
  });

  it('serves the checks and dry-runs YAML without storing', async () => {
    const server = await start();
    const checks = await request(server).get('/api/scorecard/checks');
    expect(checks.body.checks).toHaveLength(7);
    expect(checks.body.reloadError).toBeUndefined();

    const bad = await request(server)
      .post('/api/scorecard/checks/dry-run')
      .set('Content-Type', 'application/yaml')
      .send(
        'checks:\n  - id: x\n    title: X\n    weight: huge\n    condition: { fact: tags, exists: true }\n',
      );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('<request body>:4:5');

    const ok = await request(server)
      .post('/api/scorecard/checks/dry-run')
      .set('Content-Type', 'application/yaml')
      .send(
        'checks:\n  - id: has-alerts\n    title: Alerts\n    weight: low\n    appliesTo: { kind: [Component] }\n    condition: { fact: annotations, has: prometheus.io/alerts }\n',
      );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      evaluatedEntities: 2,
      checks: ['has-alerts'],
      summary: { 'has-alerts': { pass: 1, fail: 1 } },
    });
    await request(server)
      .get('/api/scorecard/entities/component/default/orders')
      .expect(404);
  });

  describe('critical-failure notifications', () => {
    /** A backend whose notification service records what it is asked to send. */
    async function startNotifying(config: object = {}) {
      const sent: NotificationSendOptions[] = [];
      // A copy of orders to change between evaluations.
      const orders = structuredClone(entities[2]);
      const { server } = await startTestBackend({
        features: [
          scorecardPlugin,
          catalogServiceMock.factory({
            entities: [entities[0], entities[1], orders],
          }),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          mockServices.rootConfig.factory({ data: config }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({
              async send(options: NotificationSendOptions) {
                sent.push(options);
              },
            }),
          }),
        ],
      });
      const evaluate = () =>
        request(server)
          .post('/api/scorecard/entities/component/default/orders/evaluate')
          .expect(200);
      return { sent, orders, evaluate };
    }

    it('go through the notification service, once, when a critical check starts failing', async () => {
      const { sent, orders, evaluate } = await startNotifying({
        app: { baseUrl: 'https://portal.example' },
      });
      // A first evaluation never notifies.
      await evaluate();
      expect(sent).toEqual([]);

      (orders.spec as { owner: string }).owner = 'ghost';
      await evaluate();
      expect(sent).toEqual([
        {
          recipients: { type: 'entity', entityRef: 'group:default/ghost' },
          payload: {
            title: 'orders fails the critical check "Owned by a team"',
            description: expect.any(String),
            link: 'https://portal.example/catalog/default/component/orders',
            severity: 'high',
            topic: 'scorecard-critical',
            scope: 'scorecard:component:default/orders:has-owner',
          },
        },
      ]);

      // Still failing: no second notification.
      await evaluate();
      expect(sent).toHaveLength(1);
    });

    it('are not sent when scorecard.notifications.enabled is false', async () => {
      const { sent, orders, evaluate } = await startNotifying({
        scorecard: { notifications: { enabled: false } },
      });
      await evaluate();
      (orders.spec as { owner: string }).owner = 'ghost';
      await evaluate();
      expect(sent).toEqual([]);
    });
  });
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const service = (
  name: string,
  annotations: Record<string, string>,
  owner = 'team-a',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const exemptions = (
  ...entries: Array<{ check: string; expires?: string }>
): Record<string, string> => ({
  'paved-road.io/scorecard-exemptions': entries
    .map(({ check, expires }) =>
      [
        `- check: ${check}`,
        '  reason: we say so',
        '  approver: user:default/accomplice',
        ...(expires ? [`  expires: ${expires}`] : []),
      ].join('\n'),
    )
    .join('\n'),
});

const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString();

describe.each(databases.eachSupportedId())('guardrails on %s', databaseId => {
  let github: Awaited<ReturnType<typeof startGreenGitHub>>;
  let knex: Knex;
  beforeAll(async () => {
    github = await startGreenGitHub();
  });
  afterAll(() => github.server.close());

  async function startGuarded(options: {
    entities: Entity[];
    allowedOrganizations?: string[];
    denied?: string[];
  }) {
    knex = await databases.init(databaseId);
    github.requests.length = 0;
    const { server } = await startTestBackend({
      features: [
        scorecardPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            scorecard: { github: { baseUrl: github.baseUrl, token: 't' } },
            ...(options.allowedOrganizations
              ? {
                  pavedRoad: {
                    github: {
                      allowedOrganizations: options.allowedOrganizations,
                    },
                  },
                }
              : {}),
          },
        }),
        catalogServiceMock.factory({
          entities: [entities[0], ...options.entities],
        }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => ({
              result: options.denied?.includes(r.permission.name)
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
            })),
        }).factory,
      ],
    });
    return server;
  }

  const rows = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);

  async function check(server: any, name: string, checkId: string) {
    await request(server)
      .post(`/api/scorecard/entities/component/default/${name}/evaluate`)
      .expect(200);
    const res = await request(server).get(
      `/api/scorecard/entities/component/default/${name}`,
    );
    return {
      criticalFailing: res.body.criticalFailing,
      ...res.body.checks.find((c: any) => c.checkId === checkId),
    };
  }

  it('POST /waivers refuses an expiry beyond 366 days and stores nothing; grants one within', async () => {
    const server = await startGuarded({
      entities: [service('orders', {}, 'ghost')],
    });
    const waiver = (expiresAt: string) =>
      request(server).post('/api/scorecard/waivers').send({
        entityRef: 'component:default/orders',
        checkId: 'has-owner',
        reason: 'team being created',
        expiresAt,
      });
    const tooLong = await waiver(inDays(400));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(
      /^expiresAt must be at most 366 days ahead \(\d{4}-\d\d-\d\dT[\d:.]+Z or earlier\)$/,
    );
    expect(await rows('scorecard_waivers')).toBe(0);

    expect((await waiver(inDays(365))).status).toBe(201);
    expect(await rows('scorecard_waivers')).toBe(1);
  });

  it('does not honour an annotation waiver of a critical check without expires or beyond 366 days, and the entity says why', async () => {
    const server = await startGuarded({
      entities: [
        // No project slug (CI fails) and an owner that does not exist.
        service(
          'sneaky',
          exemptions(
            { check: 'ci-passing', expires: '2099-01-01' },
            { check: 'has-owner' },
          ),
          'ghost',
        ),
        service(
          'honest',
          exemptions(
            { check: 'ci-passing', expires: inDays(30).slice(0, 10) },
            { check: 'has-owner', expires: inDays(365).slice(0, 10) },
          ),
          'ghost',
        ),
      ],
    });
    const ci = await check(server, 'sneaky', 'ci-passing');
    expect(ci).toMatchObject({ state: 'fail', criticalFailing: true });
    expect(ci.reason).toMatch(
      /; paved-road.io\/scorecard-exemptions entry 1 \(ci-passing\) is not honoured: it expires 2099-01-01, more than 366 days ahead: set expires to \d{4}-\d\d-\d\d or earlier$/,
    );
    expect(ci.waiver).toBeUndefined();
    const owner = await check(server, 'sneaky', 'has-owner');
    expect(owner.state).toBe('fail');
    expect(owner.reason).toContain(
      'entry 2 (has-owner) is not honoured: it has no expires: every entry needs check, reason, approver and expires (YYYY-MM-DD',
    );

    const honest = await check(server, 'honest', 'ci-passing');
    expect(honest).toMatchObject({
      state: 'exempt',
      criticalFailing: false,
      reason: expect.stringContaining('waived by user:default/accomplice'),
    });
    expect((await check(server, 'honest', 'has-owner')).state).toBe('exempt');
  });

  it('fails ci-passing for a repository outside pavedRoad.github.allowedOrganizations, without asking GitHub', async () => {
    const entitiesWithSlugs = [
      service('orders', { 'github.com/project-slug': 'acme/orders' }),
      service('copycat', {
        'github.com/project-slug': 'someone-else/green-repo',
      }),
    ];
    const server = await startGuarded({
      entities: entitiesWithSlugs,
      allowedOrganizations: ['ACME'],
    });
    expect(await check(server, 'orders', 'ci-passing')).toMatchObject({
      state: 'pass',
    });
    const copycat = await check(server, 'copycat', 'ci-passing');
    expect(copycat).toMatchObject({
      state: 'fail',
      criticalFailing: true,
      reason: expect.stringContaining(
        'repository someone-else/green-repo is outside the allowed GitHub organisations (acme; pavedRoad.github.allowedOrganizations): set github.com/project-slug to',
      ),
    });
    expect(github.requests.filter(p => p.includes('someone-else'))).toEqual([]);

    // Unset (the default): any organisation, as before.
    const open = await startGuarded({ entities: entitiesWithSlugs });
    expect(await check(open, 'copycat', 'ci-passing')).toMatchObject({
      state: 'pass',
      criticalFailing: false,
    });
  });

  it('dry-runs checks only with scorecard.check.dryRun: a reader is refused before anything is read', async () => {
    const yaml =
      'checks:\n  - id: ci-green\n    title: CI\n    weight: low\n    condition: { fact: github.latestRun.conclusion, equals: success }\n';
    const entitiesWithSlugs = [
      service('orders', { 'github.com/project-slug': 'acme/orders' }),
    ];
    const reader = await startGuarded({
      entities: entitiesWithSlugs,
      denied: [scorecardCheckDryRunPermission.name],
    });
    const refused = await request(reader)
      .post('/api/scorecard/checks/dry-run')
      .set('Content-Type', 'application/yaml')
      .send(yaml);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      name: 'NotAllowedError',
      message:
        'Not allowed to dry-run checks across the catalog (permission scorecard.check.dryRun)',
    });
    expect(github.requests).toEqual([]);
    expect(await rows('scorecard_check_results')).toBe(0);
    // The same reader still reads.
    await request(reader).get('/api/scorecard/checks').expect(200);

    const platform = await startGuarded({ entities: entitiesWithSlugs });
    const allowed = await request(platform)
      .post('/api/scorecard/checks/dry-run')
      .set('Content-Type', 'application/yaml')
      .send(yaml);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({
      evaluatedEntities: 2,
      summary: { 'ci-green': { pass: 1 } },
    });
    expect(github.requests).toContain('/repos/acme/orders/actions/runs');
    expect(await rows('scorecard_check_results')).toBe(0);
  });
});
