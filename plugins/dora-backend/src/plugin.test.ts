import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createHmac } from 'crypto';
import { Knex } from 'knex';
import request from 'supertest';
import { component, testEntities } from './__testUtils__/fixtures';
import { doraPlugin } from './plugin';

jest.setTimeout(60_000);

const SECRET = 'webhook-secret';
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ciHeader = (subject: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'dora',
  });

const deployment = (key: string, extra: Record<string, unknown> = {}) => ({
  type: 'deployment',
  idempotencyKey: key,
  service: 'component:default/a',
  environment: 'production',
  status: 'success',
  startedAt: '2026-01-02T09:00:00Z',
  finishedAt: '2026-01-02T10:00:00Z',
  ...extra,
});

const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const deploymentStatus = JSON.stringify({
  action: 'created',
  deployment_status: {
    id: 42,
    state: 'success',
    environment: 'production',
    created_at: '2026-01-02T10:00:00Z',
  },
  deployment: {
    id: 7,
    sha: 'abc1234',
    environment: 'production',
    created_at: '2026-01-02T09:55:00Z',
  },
  repository: { full_name: 'acme/a' },
});

describe.each(databases.eachSupportedId())(
  'dora plugin on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let server: any;

    async function start(
      extra: {
        permissions?: 'deny';
        dora?: Record<string, unknown>;
        allowedOrganizations?: string[];
        entities?: Entity[];
      } = {},
    ) {
      knex = await databases.init(databaseId);
      const backend = await startTestBackend({
        features: [
          doraPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              dora: {
                ingestion: { allowedSubjects: ['external-ci'] },
                github: { webhookSecret: SECRET },
                ...extra.dora,
              },
              ...(extra.allowedOrganizations
                ? {
                    pavedRoad: {
                      github: {
                        allowedOrganizations: extra.allowedOrganizations,
                      },
                    },
                  }
                : {}),
            },
          }),
          catalogServiceMock.factory({
            entities: extra.entities ?? testEntities,
          }),
          ...(extra.permissions === 'deny'
            ? [
                mockServices.permissions.mock({
                  authorize: async requests =>
                    requests.map(() => ({ result: 'DENY' as any })),
                }).factory,
              ]
            : []),
        ],
      });
      server = backend.server;
    }

    const deployments = async () =>
      Number((await knex('dora_deployments').count({ n: '*' }))[0].n);

    const deliver = (body: string, headers: Record<string, string> = {}) =>
      request(server)
        .post('/api/dora/webhooks/github')
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'deployment_status')
        .set('X-GitHub-Delivery', 'delivery-1')
        .set('X-Hub-Signature-256', sign(body))
        .set(headers)
        .send(body);

    describe('POST /events', () => {
      beforeEach(() => start());

      it('needs credentials', async () => {
        const res = await request(server)
          .post('/api/dora/events')
          .set('Authorization', mockCredentials.none.header())
          .send({ events: [deployment('d1')] });
        expect(res.status).toBe(401);
        expect(await deployments()).toBe(0);
      });

      it('refuses a service not in dora.ingestion.allowedSubjects', async () => {
        const res = await request(server)
          .post('/api/dora/events')
          .set('Authorization', ciHeader('external-other'))
          .send({ events: [deployment('d1')] });
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain('external-other');
        expect(await deployments()).toBe(0);
      });

      it('stores events from an allowed service once, and serves metrics', async () => {
        const body = {
          events: [
            deployment('d1', { commitSha: 'c1' }),
            {
              type: 'change',
              idempotencyKey: 'c1',
              service: 'a',
              commitSha: 'c1',
              authoredAt: '2026-01-01T10:00:00Z',
            },
          ],
        };
        const first = await request(server)
          .post('/api/dora/events')
          .set('Authorization', ciHeader('external-ci'))
          .send(body);
        expect(first.status).toBe(201);
        expect(first.body).toMatchObject({ created: 2, duplicates: 0 });
        const retry = await request(server)
          .post('/api/dora/events')
          .set('Authorization', ciHeader('external-ci'))
          .send(body);
        expect(retry.status).toBe(200);
        expect(retry.body).toMatchObject({ created: 0, duplicates: 2 });
        expect(await deployments()).toBe(1);

        const metrics = await request(server).get(
          '/api/dora/metrics?scope=service&ref=a&from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z',
        );
        expect(metrics.status).toBe(200);
        expect(metrics.body.current.deploymentFrequency.deployments).toBe(1);
        expect(metrics.body.current.leadTime.medianMs).toBe(24 * 3_600_000);
      });

      it.each([
        [
          'a missing field',
          [deployment('d1', { finishedAt: undefined })],
          'events[0].finishedAt',
        ],
        [
          'finish before start',
          [
            deployment('d1'),
            deployment('d2', { startedAt: '2026-01-02T11:00:00Z' }),
          ],
          'events[1].finishedAt: is before startedAt',
        ],
        [
          'an unknown service',
          [deployment('d1'), deployment('d2', { service: 'ghost' })],
          "events[1].service: unknown catalog Component 'component:default/ghost'",
        ],
        [
          'an unknown event type',
          [{ ...deployment('d1'), type: 'release' }],
          'events[0].type',
        ],
        [
          'an oversized batch',
          Array.from({ length: 501 }, (_, i) => deployment(`d${i}`)),
          'events: at most 500 events per request, got 501',
        ],
      ])(
        'answers 400 naming the event and field for %s',
        async (_, events, message) => {
          const res = await request(server)
            .post('/api/dora/events')
            .set('Authorization', ciHeader('external-ci'))
            .send({ events });
          expect(res.status).toBe(400);
          expect(res.body.error.name).toBe('InputError');
          expect(res.body.error.message).toContain(message);
          expect(await deployments()).toBe(0);
        },
      );

      it('lists the environments and serves the figures of one', async () => {
        const sent = await request(server)
          .post('/api/dora/events')
          .set('Authorization', ciHeader('external-ci'))
          .send({
            events: [
              deployment('d1'),
              deployment('d2', { environment: 'staging' }),
              deployment('d3', {
                environment: 'staging',
                finishedAt: '2026-01-03T10:00:00Z',
              }),
            ],
          });
        expect(sent.status).toBe(201);

        const environments = await request(server).get(
          '/api/dora/environments?scope=service&ref=a',
        );
        expect(environments.status).toBe(200);
        expect(environments.body).toEqual({
          items: [
            {
              name: 'production',
              tier: 'production',
              deployments: 1,
              lastDeployedAt: '2026-01-02T10:00:00.000Z',
            },
            {
              name: 'staging',
              tier: 'staging',
              deployments: 2,
              lastDeployedAt: '2026-01-03T10:00:00.000Z',
            },
          ],
        });

        const window = 'from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z';
        const staging = await request(server).get(
          `/api/dora/metrics?scope=org&environment=staging&${window}`,
        );
        expect(staging.status).toBe(200);
        expect(staging.body.target).toEqual({ environment: 'staging' });
        expect(staging.body.current.deploymentFrequency.deployments).toBe(2);
        const production = await request(server).get(
          `/api/dora/metrics?scope=org&${window}`,
        );
        expect(production.body.target).toEqual({ tiers: ['production'] });
        expect(production.body.current.deploymentFrequency.deployments).toBe(1);
        const listed = await request(server).get(
          `/api/dora/deployments?scope=org&environment=staging&${window}`,
        );
        expect(listed.body.items.map((d: any) => d.idempotencyKey)).toEqual([
          'd3',
          'd2',
        ]);
      });

      it('answers 401 to a request for the environments without credentials', async () => {
        const res = await request(server)
          .get('/api/dora/environments')
          .set('Authorization', mockCredentials.none.header());
        expect(res.status).toBe(401);
      });

      it('answers 404 for the environments of a service not in the catalog', async () => {
        const res = await request(server).get(
          '/api/dora/environments?scope=service&ref=ghost',
        );
        expect(res.status).toBe(404);
      });

      it.each([
        ['empty', 'environment='],
        ['repeated', 'environment=a&environment=b'],
        ['too long', `environment=${'x'.repeat(256)}`],
      ])('answers 400 to an environment that is %s', async (_, param) => {
        for (const path of ['metrics', 'data-quality', 'changes']) {
          const res = await request(server).get(
            `/api/dora/${path}?scope=org&${param}`,
          );
          expect(res.status).toBe(400);
          expect(res.body.error.message).toMatch(/^environment: /);
        }
      });

      it('answers 400 for a bad metrics query', async () => {
        const res = await request(server).get('/api/dora/metrics?scope=galaxy');
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain('scope');
      });

      it('answers 400 for the metrics of a ref no entity can have', async () => {
        const res = await request(server).get(
          `/api/dora/metrics?scope=service&ref=${encodeURIComponent(
            'sérvice-🚀',
          )}`,
        );
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(
          /^ref: 'sérvice-🚀' is not an entity ref: name /,
        );
      });

      it.each(['no-such-service', 'group:default/team-a'])(
        'answers 404 for the metrics of %s, which is no catalog Component',
        async ref => {
          const res = await request(server).get(
            `/api/dora/metrics?scope=service&ref=${ref}`,
          );
          expect(res.status).toBe(404);
          expect(res.body.error.message).toMatch(/^No catalog Component '/);
        },
      );
    });

    it('checks the dora.events.create permission for users', async () => {
      await start({ permissions: 'deny' });
      const res = await request(server)
        .post('/api/dora/events')
        .set('Authorization', mockCredentials.user.header())
        .send({ events: [deployment('d1')] });
      expect(res.status).toBe(403);
      expect(await deployments()).toBe(0);
    });

    it('schedules the GitHub backfill when enabled', async () => {
      const scheduler = mockServices.scheduler.mock();
      await startTestBackend({
        features: [
          doraPlugin,
          scheduler.factory,
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
          mockServices.rootConfig.factory({
            data: { dora: { github: { backfill: { enabled: true } } } },
          }),
          catalogServiceMock.factory({ entities: testEntities }),
        ],
      });
      expect(scheduler.scheduleTask).toHaveBeenCalledWith(
        expect.objectContaining({
          id: 'dora-github-backfill',
          frequency: { minutes: 30 },
        }),
      );
    });

    describe('POST /webhooks/github with pavedRoad.github.allowedOrganizations', () => {
      // A team points its component at a repository of another
      // organisation, whose webhook someone set up with our secret.
      const outsider = deploymentStatus.replace('acme/a', 'someone-else/x');
      const entities = [
        ...testEntities,
        component('x', 'team-b', 'someone-else/x'),
      ];
      const deliveries = async () =>
        Number((await knex('dora_webhook_deliveries').count({ n: '*' }))[0].n);

      it('refuses a delivery from a repository outside the list and stores nothing', async () => {
        await start({ allowedOrganizations: ['ACME'], entities });
        const res = await deliver(outsider);
        expect(res.status).toBe(403);
        expect(res.body.error.message).toBe(
          'repository someone-else/x is outside the allowed GitHub organisations (acme; pavedRoad.github.allowedOrganizations): its deliveries are not recorded; remove the webhook from that repository, or add its organisation to the list',
        );
        const ping = JSON.stringify({
          zen: 'Keep it logically awesome.',
          repository: { full_name: 'someone-else/x' },
        });
        const pinged = await deliver(ping, {
          'X-GitHub-Event': 'ping',
          'X-GitHub-Delivery': 'ping-1',
        });
        expect(pinged.status).toBe(403);
        expect(await deployments()).toBe(0);
        expect(await deliveries()).toBe(0);

        // A repository of an allowed organisation is stored as before.
        const allowed = await deliver(deploymentStatus);
        expect(allowed.status).toBe(202);
        expect(await deployments()).toBe(1);
        expect(await deliveries()).toBe(1);
      });

      it('stores the same delivery when the list is unset (the default)', async () => {
        await start({ entities });
        const res = await deliver(outsider);
        expect(res.status).toBe(202);
        expect(await deployments()).toBe(1);
      });
    });

    describe('POST /webhooks/github', () => {
      beforeEach(() => start());

      it('stores a signed delivery once and drops its replay', async () => {
        const first = await deliver(deploymentStatus);
        expect(first.status).toBe(202);
        expect(first.body).toMatchObject({ status: 'stored', created: 1 });
        const replay = await deliver(deploymentStatus);
        expect(replay.status).toBe(200);
        expect(replay.body).toEqual({ status: 'duplicate' });
        const rows = await knex('dora_deployments').select(
          'service_ref',
          'environment_tier',
          'commit_sha',
          'source',
        );
        expect(rows).toEqual([
          {
            service_ref: 'component:default/a',
            environment_tier: 'production',
            commit_sha: 'abc1234',
            source: 'github',
          },
        ]);
      });

      it('answers 401 to a bad signature and writes nothing', async () => {
        const res = await deliver(deploymentStatus, {
          'X-Hub-Signature-256': sign(deploymentStatus, 'wrong'),
        });
        expect(res.status).toBe(401);
        expect(res.body.error.message).toMatch(/^Invalid X-Hub-Signature-256/);
        const unsigned = await request(server)
          .post('/api/dora/webhooks/github')
          .set('Content-Type', 'application/json')
          .set('X-GitHub-Event', 'deployment_status')
          .set('X-GitHub-Delivery', 'delivery-2')
          .send(deploymentStatus);
        expect(unsigned.status).toBe(401);
        expect(unsigned.body.error.message).toMatch(
          /^Missing X-Hub-Signature-256/,
        );
        expect(await deployments()).toBe(0);
        expect(
          Number(
            (await knex('dora_webhook_deliveries').count({ n: '*' }))[0].n,
          ),
        ).toBe(0);
      });

      it('answers 400 to a signed but malformed body and writes nothing', async () => {
        const body = '{"repository": ';
        const res = await deliver(body);
        expect(res.status).toBe(400);
        expect(await deployments()).toBe(0);
      });

      it('answers 400 to a form-encoded delivery, saying which content type to set', async () => {
        const body = `payload=${encodeURIComponent(deploymentStatus)}`;
        const res = await deliver(body, {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Hub-Signature-256': sign(body),
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(
          /^Content-Type must be application\/json, got 'application\/x-www-form-urlencoded'/,
        );
        expect(await deployments()).toBe(0);
      });

      it('answers 400 to a push whose commits are not a list and writes nothing', async () => {
        const body = JSON.stringify({
          commits: 42,
          repository: { full_name: 'acme/a' },
        });
        const res = await deliver(body, {
          'X-GitHub-Event': 'push',
          'X-GitHub-Delivery': 'push-bad',
          'X-Hub-Signature-256': sign(body),
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe('commits: must be an array');
        expect(
          Number(
            (await knex('dora_webhook_deliveries').count({ n: '*' }))[0].n,
          ),
        ).toBe(0);
      });

      it('records merged pull requests and pushes as changes', async () => {
        const pr = JSON.stringify({
          action: 'closed',
          pull_request: {
            number: 12,
            merged: true,
            merge_commit_sha: 'abc1234',
            created_at: '2026-01-01T10:00:00Z',
            merged_at: '2026-01-02T08:00:00Z',
          },
          repository: { full_name: 'acme/a' },
        });
        const res = await deliver(pr, {
          'X-GitHub-Event': 'pull_request',
          'X-GitHub-Delivery': 'pr-1',
          'X-Hub-Signature-256': sign(pr),
        });
        expect(res.status).toBe(202);
        const push = JSON.stringify({
          commits: [{ id: 'abc1234', timestamp: '2026-01-02T08:00:00Z' }],
          repository: { full_name: 'acme/a', pushed_at: 1767340800 },
        });
        const pushed = await deliver(push, {
          'X-GitHub-Event': 'push',
          'X-GitHub-Delivery': 'push-1',
          'X-Hub-Signature-256': sign(push),
        });
        expect(pushed.status).toBe(202);
        expect(pushed.body).toMatchObject({ updated: 1 });
        await deliver(deploymentStatus);
        const metrics = await request(server).get(
          '/api/dora/metrics?scope=service&ref=a&from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z',
        );
        // squash merge: from PR open (Jan 1 10:00) to deployment (Jan 2 10:00)
        expect(metrics.body.current.leadTime).toMatchObject({
          changes: 1,
          medianMs: 24 * 3_600_000,
          prOpenFallbacks: 1,
        });
      });

      it('ignores repositories that are not in the catalog', async () => {
        const body = deploymentStatus.replace('acme/a', 'acme/unknown');
        const res = await deliver(body);
        expect(res.status).toBe(202);
        expect(res.body.status).toBe('ignored');
        expect(await deployments()).toBe(0);
      });
    });
  },
);
