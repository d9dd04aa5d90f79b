/*
 * The production configuration, booted from the built bundle against the
 * local PostgreSQL: it becomes ready, serves the catalog out of PostgreSQL,
 * and refuses callers without credentials (including guest sign-in).
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  eventually,
  extractBundle,
  repoRoot,
  RunningBackend,
  startBackend,
} from './harness';
import { productionBundle, withDatabase } from './production';

/** Every entity the example organisation declares, as kind:namespace/name. */
function exampleEntityRefs(): string[] {
  const location = path.join(repoRoot, 'catalog/all.yaml');
  const targets: string[] = yaml.parse(fs.readFileSync(location, 'utf8')).spec
    .targets;
  return [location, ...targets.map(t => path.join(repoRoot, 'catalog', t))]
    .flatMap(file =>
      yaml.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJS()),
    )
    .map(e =>
      `${e.kind}:${e.metadata.namespace ?? 'default'}/${
        e.metadata.name
      }`.toLowerCase(),
    );
}

// One database per plugin, all under a prefix unique to this run.
const production = productionBundle('e2e');
const { prefix, apiToken, platformToken } = production;

describe('production configuration on PostgreSQL', () => {
  let backend: RunningBackend;

  beforeAll(async () => {
    backend = await production.start({ port: 7107 });
  }, 180_000);

  afterAll(() => production.stop(), 60_000);

  it('serves the example catalog out of PostgreSQL to a service token', async () => {
    const components = await eventually(async () => {
      const res = await fetch(
        `${backend.baseUrl}/api/catalog/entities/by-query?filter=kind=component&limit=100`,
        { headers: { Authorization: `Bearer ${apiToken}` } },
      );
      expect(res.status).toBe(200);
      const body = await res.json();
      return body.items.length >= 8 ? body.items : undefined;
    }, 'the example components to be ingested');
    expect(components.map((e: any) => e.metadata.name)).toContain(
      'orders-service',
    );

    // The rows really live in this run's PostgreSQL database.
    const stored = await withDatabase(`${prefix}catalog`, client =>
      client.query(
        "SELECT value FROM search WHERE key = 'metadata.name' AND value = 'orders-service'",
      ),
    );
    expect(stored.rowCount).toBe(1);
  }, 90_000);

  it('ingests every entity of the example organisation without processing errors', async () => {
    const expected = exampleEntityRefs();
    expect(expected.length).toBeGreaterThanOrEqual(25);
    const entities = await eventually(async () => {
      const res = await fetch(
        `${backend.baseUrl}/api/catalog/entities?fields=kind,metadata.name,metadata.namespace,status`,
        { headers: { Authorization: `Bearer ${apiToken}` } },
      );
      const body = await res.json();
      const served = new Set(
        body.map((e: any) =>
          `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase(),
        ),
      );
      return expected.every(ref => served.has(ref)) ? body : undefined;
    }, 'every example entity to be ingested');
    const errors = entities.flatMap((e: any) =>
      (e.status?.items ?? []).filter((i: any) => i.level === 'error'),
    );
    expect(errors).toEqual([]);
  }, 90_000);

  it('lists the Paved Road scaffolder actions with their examples', async () => {
    const res = await fetch(`${backend.baseUrl}/api/scaffolder/v2/actions`, {
      headers: { Authorization: `Bearer ${platformToken}` },
    });
    expect(res.status).toBe(200);
    const actions: Array<{ id: string; examples?: unknown[] }> =
      await res.json();
    for (const id of [
      'argocd:application:register',
      'vault:policy:write',
      'kubernetes:namespace:provision',
    ]) {
      const action = actions.find(a => a.id === id);
      expect(action?.examples?.length).toBeGreaterThanOrEqual(2);
    }
    // The embedded default's local-repository actions are dev-only: the
    // production build does not have them.
    expect(
      actions
        .map(a => a.id)
        .filter(id =>
          ['git:repository:publish', 'catalog:location:register'].includes(id),
        ),
    ).toEqual([]);
  });

  it('stores DORA events from the service token once and reports them from PostgreSQL', async () => {
    const finishedAt = new Date(Date.now() - 3_600_000).toISOString();
    const batch = {
      events: [
        {
          type: 'change',
          idempotencyKey: 'e2e-change-1',
          service: 'orders-service',
          commitSha: 'e2e0000000000000000000000000000000000001',
          authoredAt: new Date(Date.now() - 7_200_000).toISOString(),
        },
        {
          type: 'deployment',
          idempotencyKey: 'e2e-deploy-1',
          service: 'component:default/orders-service',
          environment: 'production',
          status: 'success',
          finishedAt,
          commitSha: 'e2e0000000000000000000000000000000000001',
        },
      ],
    };
    const send = () =>
      fetch(`${backend.baseUrl}/api/dora/events`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${apiToken}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(batch),
      });
    expect((await send()).status).toBe(201);
    // A retried delivery is acknowledged and stored once.
    expect((await send()).status).toBe(200);

    const metrics = await fetch(
      `${backend.baseUrl}/api/dora/metrics?scope=service&ref=component:default/orders-service`,
      { headers: { Authorization: `Bearer ${apiToken}` } },
    );
    expect(metrics.status).toBe(200);
    expect(JSON.stringify(await metrics.json())).toContain('"current"');
    const rows = await withDatabase(`${prefix}dora`, client =>
      client.query('SELECT count(*)::int AS n FROM dora_deployments'),
    );
    expect(rows.rows[0].n).toBe(1);

    const anonymous = await fetch(`${backend.baseUrl}/api/dora/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(batch),
    });
    expect(anonymous.status).toBe(401);
  });

  it('refuses a request without credentials', async () => {
    const res = await fetch(`${backend.baseUrl}/api/catalog/entities`);
    expect(res.status).toBe(401);
  });

  it('refuses a wrong service token', async () => {
    const res = await fetch(`${backend.baseUrl}/api/catalog/entities`, {
      headers: { Authorization: 'Bearer not-the-configured-token' },
    });
    expect(res.status).toBe(401);
  });

  it('refuses guest sign-in', async () => {
    const res = await fetch(`${backend.baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('outside of a development environment');
  });

  it('runs none of the stand-ins: nothing answers on their ports', async () => {
    // app-config.yaml's pavedRoad.standIns ports (ArgoCD, Vault, Kubernetes,
    // git, GitHub): the production layer turns them off.
    for (const port of [7011, 7012, 7013, 7014, 7015]) {
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow(
        'fetch failed',
      );
    }
  });
});

describe('the embedded default with NODE_ENV=production', () => {
  it('refuses to start, saying the stand-ins never run in production', async () => {
    const bundleDir = extractBundle();
    try {
      await expect(
        startBackend({
          bundleDir,
          port: 7109,
          configs: ['app-config.yaml'],
          workingDir: 'packages/backend',
          env: { NODE_ENV: 'production' },
          readyTimeoutMs: 60_000,
        }),
      ).rejects.toThrow(
        /backend exited with 1:[\s\S]*pavedRoad\.standIns is configured but NODE_ENV is "production"/,
      );
      await expect(fetch('http://127.0.0.1:7011/')).rejects.toThrow(
        'fetch failed',
      );
    } finally {
      fs.rmSync(bundleDir, { recursive: true, force: true });
    }
  }, 120_000);
});
