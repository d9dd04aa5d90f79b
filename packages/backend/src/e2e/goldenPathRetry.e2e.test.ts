/*
 * A golden-path task that failed halfway (its preflight went through, then
 * ArgoCD answered 503 to the application create past every retry) converges
 * when retried through the scaffolder API once ArgoCD is back: earlier steps
 * are not repeated or duplicated, later ones complete.
 */
import fs from 'node:fs';
import { ArgoCdDouble } from '@internal/platform-api-doubles';
import {
  extractBundle,
  guestToken,
  RunningBackend,
  startBackend,
  waitForEntity,
} from './harness';

const standInToken = 'paved-road-dev-token';
const argoCdPort = 7241;

describe('retrying a failed golden-path task', () => {
  let bundleDir: string;
  let backend: RunningBackend;
  let argocd: ArgoCdDouble;
  let token: string;

  beforeAll(async () => {
    argocd = await new ArgoCdDouble(standInToken).start(argoCdPort);
    bundleDir = extractBundle();
    backend = await startBackend({
      bundleDir,
      port: 7247,
      configs: ['app-config.yaml'],
      workingDir: 'packages/backend',
      env: {
        NODE_ENV: 'development',
        // A "staging" environment whose ArgoCD fails the first run's
        // application create; its Vault and cluster are the dev stand-ins.
        APP_CONFIG_pavedRoad_argocd_instances: JSON.stringify([
          {
            name: 'staging',
            url: `http://127.0.0.1:${argoCdPort}`,
            token: standInToken,
          },
        ]),
        APP_CONFIG_pavedRoad_vault_servers: JSON.stringify([
          {
            name: 'staging',
            address: 'http://127.0.0.1:7012',
            token: standInToken,
          },
        ]),
        APP_CONFIG_pavedRoad_kubernetes_clusters: JSON.stringify([
          {
            name: 'staging',
            url: 'http://127.0.0.1:7013',
            serviceAccountToken: standInToken,
            skipTLSVerify: true,
          },
        ]),
      },
    });
    token = await guestToken(backend.baseUrl);
  }, 180_000);

  afterAll(async () => {
    await argocd?.close();
    await backend?.stop();
    if (bundleDir) {
      fs.rmSync(bundleDir, { recursive: true, force: true });
    }
  });

  const scaffolder = (route: string, body?: unknown) =>
    fetch(`${backend.baseUrl}/api/scaffolder/v2${route}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: body ? JSON.stringify(body) : undefined,
    });

  async function settled(taskId: string) {
    for (let i = 0; i < 240; i++) {
      const task = await (await scaffolder(`/tasks/${taskId}`)).json();
      if (['completed', 'failed', 'cancelled'].includes(task.status)) {
        return task.status as string;
      }
      await new Promise(r => setTimeout(r, 250));
    }
    throw new Error(`task ${taskId} did not settle`);
  }

  it('fails at the ArgoCD step after publishing, then completes on retry without duplicates', async () => {
    // Four 503s: the first attempt and the client's three retries.
    argocd.failNext(
      4,
      503,
      {
        error: 'upstream connect error',
        code: 14,
        message: 'upstream connect error',
      },
      request =>
        request.method === 'POST' && request.path === '/api/v1/applications',
    );
    // Templates are ingested shortly after start.
    await waitForEntity(
      backend.baseUrl,
      token,
      'template/default/nodejs-service',
    );
    const created = await scaffolder('/tasks', {
      templateRef: 'template:default/nodejs-service',
      values: {
        name: 'retry-demo',
        description: 'Retried golden path',
        owner: 'group:default/fulfilment-team',
        system: 'system:default/order-management',
        database: 'none',
        environment: 'staging',
        size: 'small',
        replicas: 2,
      },
    });
    const { id } = await created.json();
    expect(await settled(id)).toBe('failed');
    const events = await (await scaffolder(`/tasks/${id}/events`)).json();
    const failedStep = events.find(
      (e: { body: { status?: string } }) => e.body.status === 'failed',
    )?.body.stepId;
    expect(failedStep).toBe('argocd');
    expect(JSON.stringify(events)).toContain(
      'answered 503 Service Unavailable to POST /api/v1/applications',
    );
    expect(argocd.applications.has('argocd/retry-demo')).toBe(false);

    const retry = await scaffolder(`/tasks/${id}/retry`, {});
    expect(retry.status).toBeLessThan(300);
    expect(await settled(id)).toBe('completed');

    expect(argocd.applications.has('argocd/retry-demo')).toBe(true);
    const namespace = await fetch(
      'http://127.0.0.1:7013/api/v1/namespaces/retry-demo',
      { headers: { Authorization: `Bearer ${standInToken}` } },
    );
    expect(namespace.status).toBe(200);
    // The catalog holds the component once: the retry re-registered
    // nothing.
    let count = 0;
    for (let i = 0; i < 60 && count === 0; i++) {
      const components = await (
        await fetch(
          `${backend.baseUrl}/api/catalog/entities/by-query?filter=kind=component,metadata.name=retry-demo`,
          { headers: { Authorization: `Bearer ${token}` } },
        )
      ).json();
      count = components.items.length;
      await new Promise(r => setTimeout(r, 500));
    }
    expect(count).toBe(1);
  }, 120_000);
});
