/*
 * The contract (src/schema/openapi.yaml) and the router agree: the router
 * serves every operation of the spec and no other, and every answer below,
 * errors included, has a status the operation documents and a body valid
 * against the spec's schema for that status. The services are the real
 * ones, on SQLite, so the rows and figures are the real ones.
 */
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  commonSchemaFiles,
  formatted,
  OpenApiContract,
  routerOperations,
} from '@internal/paved-road-node/testUtils';
import { createHmac } from 'crypto';
import express from 'express';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import request from 'supertest';
import { testEntities } from '../__testUtils__/fixtures';
import { DatabaseDoraStore } from '../database/DatabaseDoraStore';
import { spec } from '../schema/openapi.generated';
import { readDoraConfig } from './config';
import { GitHubWebhookService } from './GitHubWebhookService';
import { IngestionService } from './ingestion';
import { MetricsService } from './metrics';
import { createRouter } from './router';

jest.setTimeout(60_000);

const SECRET = 'webhook-secret';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const contract = OpenApiContract.fromFile(
  resolve(__dirname, '../schema/openapi.yaml'),
);

const ci = (subject: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'dora',
  });
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const events = [
  {
    type: 'change',
    idempotencyKey: 'c1',
    service: 'a',
    commitSha: 'abc1234',
    authoredAt: '2026-01-02T08:00:00Z',
    prNumber: 42,
    prOpenedAt: '2026-01-02T08:30:00Z',
    mergedAt: '2026-01-02T09:00:00Z',
  },
  {
    type: 'deployment',
    idempotencyKey: 'd1',
    service: 'component:default/a',
    environment: 'production',
    status: 'success',
    startedAt: '2026-01-02T09:30:00Z',
    finishedAt: '2026-01-02T10:00:00Z',
    commitSha: 'abc1234',
    source: 'argocd',
  },
  {
    type: 'incident',
    idempotencyKey: 'i1',
    service: 'a',
    openedAt: '2026-01-02T11:00:00Z',
    resolvedAt: '2026-01-02T12:00:00Z',
    causedByDeployment: 'd1',
    title: 'orders down',
  },
];
const window = 'from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z';

describe('the OpenAPI contract', () => {
  it('is what the typed router is built from', () => {
    expect(spec).toEqual(contract.spec);
  });

  it("is what dora-common's models and client are generated from", () => {
    const schema = resolve(__dirname, '../../../dora-common/src/schema');
    for (const [file, source] of commonSchemaFiles(
      contract.spec,
      'plugins/dora-backend',
    )) {
      const path = resolve(schema, file);
      expect(readFileSync(path, 'utf8')).toBe(formatted(source, path));
    }
  });

  it('is what the router serves and answers', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseDoraStore.create({
      database: mockServices.database({ knex }),
    });
    const catalog = catalogServiceMock({ entities: testEntities });
    const auth = mockServices.auth();
    const logger = mockServices.logger.mock();
    const config = readDoraConfig(
      new ConfigReader({
        dora: {
          ingestion: { allowedSubjects: ['external-ci'] },
          github: { webhookSecret: SECRET },
        },
      }),
    );
    const ingestion = new IngestionService({
      store,
      catalog,
      auth,
      config,
      logger,
    });
    const router = await createRouter({
      httpAuth: mockServices.httpAuth({ pluginId: 'dora' }),
      auth,
      permissions: mockServices.permissions(),
      config,
      ingestion,
      metrics: new MetricsService({ store, catalog, auth }),
      githubWebhooks: new GitHubWebhookService({
        config,
        catalog,
        auth,
        ingestion,
        logger,
      }),
    });
    const app = express().use(router).use(mockErrorHandler());

    /** A request whose answer must have `status` and be what the spec says. */
    const expectAnswer = async (
      operation: string,
      status: number,
      send: (r: request.Test) => request.Test,
    ) => {
      const [method, path] = operation.split(' ');
      const res = await send((request(app) as any)[method.toLowerCase()](path));
      expect({
        operation,
        status: res.status,
        errors: contract.check(method, path, res),
      }).toEqual({ operation, status, errors: [] });
      return res;
    };

    // Ingestion: stored, replayed, refused.
    await expectAnswer('POST /events', 201, r =>
      r.set('Authorization', ci('external-ci')).send({ events }),
    );
    await expectAnswer('POST /events', 200, r =>
      r.set('Authorization', ci('external-ci')).send({ events }),
    );
    await expectAnswer('POST /events', 400, r =>
      r.set('Authorization', ci('external-ci')).send({ events: [] }),
    );
    await expectAnswer('POST /events', 401, r =>
      r.set('Authorization', mockCredentials.none.header()).send({ events }),
    );
    await expectAnswer('POST /events', 403, r =>
      r.set('Authorization', ci('external-other')).send({ events }),
    );
    await expectAnswer('POST /events', 413, r =>
      r
        .set('Authorization', ci('external-ci'))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ events, pad: 'x'.repeat(6 * 1024 ** 2) })),
    );

    // Reads, for each scope and target, with rows in every list.
    for (const query of [
      `scope=org&${window}`,
      `scope=team&ref=group:default/team-a&${window}`,
      `scope=service&ref=a&environment=production&${window}`,
    ]) {
      const metrics = await expectAnswer(`GET /metrics?${query}`, 200, r => r);
      expect(metrics.body.current.deploymentFrequency.deployments).toBe(1);
      await expectAnswer(`GET /data-quality?${query}`, 200, r => r);
      await expectAnswer(`GET /environments?${query}`, 200, r => r);
      for (const list of ['deployments', 'changes', 'incidents']) {
        const rows = await expectAnswer(`GET /${list}?${query}`, 200, r => r);
        expect(rows.body.items).toHaveLength(1);
      }
    }
    await expectAnswer(`GET /deployments?limit=0`, 400, r => r);
    for (const read of ['metrics', 'environments', 'data-quality', 'changes']) {
      await expectAnswer(`GET /${read}?scope=galaxy`, 400, r => r);
      await expectAnswer(`GET /${read}?scope=service&ref=ghost`, 404, r => r);
      await expectAnswer(`GET /${read}`, 401, r =>
        r.set('Authorization', mockCredentials.none.header()),
      );
    }

    // The webhook: every answer it gives.
    const deliver =
      (event: string, body: string, headers: Record<string, string> = {}) =>
      (r: request.Test) =>
        r
          .set('Content-Type', 'application/json')
          .set('X-GitHub-Event', event)
          .set('X-GitHub-Delivery', `${event}-1`)
          .set('X-Hub-Signature-256', sign(body))
          .set(headers)
          .send(body);
    const deploymentStatus = JSON.stringify({
      deployment_status: {
        id: 42,
        state: 'success',
        environment: 'production',
        created_at: '2026-01-03T10:00:00Z',
      },
      deployment: {
        id: 7,
        sha: 'def5678',
        environment: 'production',
        created_at: '2026-01-03T09:55:00Z',
      },
      repository: { full_name: 'acme/a' },
    });
    const ping = JSON.stringify({ repository: { full_name: 'acme/a' } });
    await expectAnswer('POST /webhooks/github', 200, deliver('ping', ping));
    await expectAnswer(
      'POST /webhooks/github',
      202,
      deliver('deployment_status', deploymentStatus),
    );
    await expectAnswer(
      'POST /webhooks/github',
      200,
      deliver('deployment_status', deploymentStatus),
    );
    await expectAnswer('POST /webhooks/github', 202, deliver('issues', ping));
    await expectAnswer(
      'POST /webhooks/github',
      401,
      deliver('push', ping, { 'X-Hub-Signature-256': sign(ping, 'wrong') }),
    );
    await expectAnswer(
      'POST /webhooks/github',
      400,
      deliver('push', ping, {
        'Content-Type': 'application/x-www-form-urlencoded',
      }),
    );

    // Every operation of the spec was exercised above ...
    expect([...contract.checked].sort()).toEqual(
      [...contract.operations].sort(),
    );
    // ... and the router serves those and the spec itself, nothing else.
    expect(routerOperations(router)).toEqual(
      [...contract.operations, 'GET /openapi.json'].sort(),
    );
  });
});
