/*
 * The contract (src/schema/openapi.yaml) and the router agree: the router
 * serves every operation of the spec and no other, and every answer below,
 * errors and the SVG badge included, has a status the operation documents
 * and a body valid against the spec's schema for that status. The store,
 * checks and evaluator are the real ones, on SQLite, so the scores are the
 * real ones.
 */
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  commonSchemaFiles,
  formatted,
  OpenApiContract,
  routerOperations,
} from '@internal/paved-road-node/testUtils';
import { AuthorizeResult } from '@internal/plugin-scorecard-common';
import express from 'express';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import request from 'supertest';
import { CheckLoader } from '../checks/CheckLoader';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { Evaluator } from '../evaluation/Evaluator';
import { GitHubFactSource } from '../facts/GitHubFactSource';
import { spec } from '../schema/openapi.generated';
import { createRouter } from './router';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const contract = OpenApiContract.fromFile(
  resolve(__dirname, '../schema/openapi.yaml'),
);

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
      annotations: { 'prometheus.io/alerts': 'orders-alerts' },
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

const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString();

describe('the OpenAPI contract', () => {
  it('is what the typed router is built from', () => {
    expect(spec).toEqual(contract.spec);
  });

  it("is what scorecard-common's models and client are generated from", () => {
    const schema = resolve(__dirname, '../../../scorecard-common/src/schema');
    for (const [file, source] of commonSchemaFiles(
      contract.spec,
      'plugins/scorecard-backend',
    )) {
      const path = resolve(schema, file);
      expect(readFileSync(path, 'utf8')).toBe(formatted(source, path));
    }
  });

  it('is what the router serves and answers', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseScorecardStore.create({
      database: mockServices.database({ knex }),
    });
    const logger = mockServices.logger.mock();
    const auth = mockServices.auth();
    const checks = await CheckLoader.create({
      config: new ConfigReader({}),
      logger,
    });
    const evaluator = new Evaluator({
      catalog: catalogServiceMock({ entities }),
      auth,
      store,
      getChecks: () => checks.getChecks(),
      sources: {
        github: new GitHubFactSource({ logger }),
        techdocs: {
          collect: async () => ({
            source: 'techdocs',
            collectedAt: new Date(),
            unavailable: 'off',
          }),
        },
      },
      logger,
      staleAfterMs: 86_400_000,
    });
    // What the permission framework answers, changed below for the 403s.
    let decision: AuthorizeResult.ALLOW | AuthorizeResult.DENY =
      AuthorizeResult.ALLOW;
    const router = await createRouter({
      httpAuth: mockServices.httpAuth({ pluginId: 'scorecard' }),
      permissions: mockServices.permissions.mock({
        authorize: async requests => requests.map(() => ({ result: decision })),
      }),
      store,
      evaluator,
      checks,
      staleAfterMs: 86_400_000,
    });
    const app = express().use(router).use(mockErrorHandler());

    /** A request whose answer must have `status` and be what the spec says. */
    const expectAnswer = async (
      operation: string,
      status: number,
      send: (r: request.Test) => request.Test = r => r,
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
    const entity = '/entities/component/default';
    const hostile = `${entity}/${encodeURIComponent("'; DROP TABLE x; --")}`;

    // Before any evaluation: no scorecard, no history, a grey badge.
    await expectAnswer(`GET ${entity}/orders`, 404);
    await expectAnswer(`GET ${entity}/orders/history`, 404);
    await expectAnswer(`GET ${entity}/orders/badge.svg`, 200);

    // Evaluated on demand.
    for (const name of ['orders', 'orphan']) {
      await expectAnswer(`POST ${entity}/${name}/evaluate`, 200);
    }
    await expectAnswer(`POST ${entity}/missing/evaluate`, 404);
    await expectAnswer(`POST ${hostile}/evaluate`, 400);

    await expectAnswer('GET /checks', 200);
    const scorecard = await expectAnswer(`GET ${entity}/orphan`, 200);
    expect(scorecard.body.criticalFailing).toBe(true);
    await expectAnswer(`GET ${hostile}`, 400);
    const badge = await expectAnswer(`GET ${entity}/orphan/badge.svg`, 200);
    expect(badge.get('content-type')).toContain('image/svg+xml');
    await expectAnswer(`GET ${entity}/orphan/history?days=30`, 200);
    await expectAnswer(`GET ${entity}/orphan/history?days=0`, 400);

    // The list, its pages and its filters; every bad parameter a 400.
    const page = await expectAnswer('GET /entities?limit=1', 200);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    await expectAnswer(`GET /entities?cursor=${page.body.nextCursor}`, 200);
    await expectAnswer(
      'GET /entities?owner=team-a&owner=ghost,user:jane&kind=component&criticalFailing=true&orderBy=name&order=desc&cursor=',
      200,
    );
    for (const query of [
      'orderBy=age&limit=0',
      'cursor=x',
      'limit[x]=1',
      'owner=group:',
      'unknown=1',
    ]) {
      await expectAnswer(`GET /entities?${query}`, 400);
    }

    await expectAnswer('GET /trend?days=30', 200);
    await expectAnswer('GET /trend?days=0', 400);
    const teams = await expectAnswer('GET /teams', 200);
    expect(teams.body.items.map((t: any) => t.owner)).toContain(
      'group:default/eng',
    );
    await expectAnswer('GET /teams?hierarchy=false', 200);
    await expectAnswer('GET /teams?hierarchy=maybe', 400);

    // The dry run: YAML, JSON, and what it refuses.
    const yaml =
      'checks:\n  - id: has-alerts\n    title: Alerts\n    weight: low\n    condition: { fact: annotations, has: prometheus.io/alerts }\n';
    await expectAnswer('POST /checks/dry-run', 200, r =>
      r.set('Content-Type', 'application/yaml').send(yaml),
    );
    await expectAnswer('POST /checks/dry-run', 200, r => r.send({ yaml }));
    await expectAnswer('POST /checks/dry-run', 400, r =>
      r.set('Content-Type', 'application/yaml').send('checks: [{ id: x }]\n'),
    );
    for (const body of [{ yml: yaml }, [yaml]]) {
      const refused = await expectAnswer('POST /checks/dry-run', 400, r =>
        r.send(body),
      );
      expect(refused.body.error.message).toBe(
        'Send the checks as YAML (Content-Type: application/yaml) or as JSON { "yaml": "..." }',
      );
    }
    const form = await expectAnswer('POST /checks/dry-run', 400, r =>
      r.set('Content-Type', 'application/x-www-form-urlencoded').send('a=b'),
    );
    expect(form.body.error.message).toMatch(/^Send the checks as YAML/);

    // Waivers: granted, and each refusal.
    const waiver = {
      entityRef: 'component:default/orphan',
      checkId: 'has-owner',
      reason: 'team being created',
      expiresAt: inDays(7),
    };
    await expectAnswer('POST /waivers', 201, r => r.send(waiver));
    for (const body of [
      { entityRef: 'component:default/orders', checkId: 'nope' },
      { ...waiver, checkId: 'nope' },
      { ...waiver, entityRef: 'component:default/sérvice' },
      { ...waiver, expiresAt: inDays(400) },
      { ...waiver, extra: true },
      [waiver],
    ]) {
      await expectAnswer('POST /waivers', 400, r => r.send(body));
    }
    const text = await expectAnswer('POST /waivers', 400, r =>
      r.set('Content-Type', 'text/plain').send(JSON.stringify(waiver)),
    );
    expect(text.body.error.message).toMatch(/^Invalid waiver: entityRef: /);
    await expectAnswer('POST /waivers', 403, r =>
      r.set('Authorization', mockCredentials.service.header()).send(waiver),
    );
    await expectAnswer('POST /waivers', 401, r =>
      r.set('Authorization', mockCredentials.none.header()).send(waiver),
    );
    await expectAnswer('POST /waivers', 413, r =>
      r.send({ ...waiver, reason: 'x'.repeat(1024 ** 2 + 1) }),
    );

    // Refused: what the policy denies. (A read without credentials is the
    // backend's 401, before the router: its httpRouter's auth policy.)
    decision = AuthorizeResult.DENY;
    await expectAnswer('GET /checks', 403);
    await expectAnswer(`GET ${entity}/orders`, 403);
    await expectAnswer(`GET ${entity}/orders/history`, 403);
    await expectAnswer(`GET ${entity}/orders/badge.svg`, 403);
    await expectAnswer(`POST ${entity}/orders/evaluate`, 403);
    await expectAnswer('GET /entities', 403);
    await expectAnswer('GET /trend', 403);
    await expectAnswer('GET /teams', 403);
    await expectAnswer('POST /checks/dry-run', 403, r =>
      r.set('Content-Type', 'application/yaml').send(yaml),
    );
    await expectAnswer('POST /waivers', 403, r => r.send(waiver));

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
