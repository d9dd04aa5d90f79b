/*
 * A production backend killed (SIGKILL: no graceful shutdown) and started
 * again on the same databases loses nothing it acknowledged: DORA batches
 * answered 2xx before the kill are stored, retried ones once; a scaffolder
 * task accepted before the kill is recovered and completes, with the steps
 * that had finished not run again (no duplicate writes to ArgoCD, Vault or
 * the cluster).
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  ArgoCdDouble,
  KubernetesDouble,
  VaultDouble,
} from '@internal/platform-api-doubles';
import { eventually, repoRoot, RunningBackend, waitForEntity } from './harness';
import {
  loopbackClusterEnv,
  productionBundle,
  withDatabase,
} from './production';
import {
  DeploymentEvent,
  deploymentBatches,
  doraServices,
  postEvents,
} from './__testUtils__/doraEvents';

const production = productionBundle('restart');
const { prefix, apiToken, platformToken } = production;
const port = 7410;
/** A second replica on the same databases, for the take-over case. */
const peerPort = 7411;

/**
 * A golden path cut down to the platform actions, with a pause in the
 * middle to kill the backend in: ArgoCD and Vault done, the namespace not.
 */
const recoveryTemplate = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'restart-recovery', title: 'Restart recovery probe' },
  spec: {
    owner: 'group:default/platform-team',
    type: 'service',
    parameters: [
      {
        required: ['name'],
        properties: { name: { type: 'string', pattern: '^[a-z0-9-]+$' } },
      },
    ],
    steps: [
      {
        id: 'argocd',
        action: 'argocd:application:register',
        input: {
          instance: 'production',
          name: '${{ parameters.name }}',
          repoUrl: 'https://github.com/acme-freight/${{ parameters.name }}.git',
          path: 'k8s',
          targetRevision: 'main',
          destinationServer: 'https://kubernetes.default.svc',
          destinationNamespace: '${{ parameters.name }}',
          owner: 'platform-team',
          createNamespace: false,
        },
      },
      {
        id: 'vault',
        action: 'vault:policy:write',
        input: {
          server: 'production',
          service: '${{ parameters.name }}',
          namespace: '${{ parameters.name }}',
          serviceAccount: '${{ parameters.name }}',
        },
      },
      { id: 'pause', action: 'debug:wait', input: { seconds: 8 } },
      {
        id: 'namespace',
        action: 'kubernetes:namespace:provision',
        input: {
          cluster: 'production',
          namespace: '${{ parameters.name }}',
          owner: 'platform-team',
          size: 'small',
        },
      },
    ],
  },
};

/** catalog.locations of app-config.production.yaml. */
function productionLocations(): unknown[] {
  const file = path.join(repoRoot, 'app-config.production.yaml');
  return yaml.parse(fs.readFileSync(file, 'utf8')).catalog.locations;
}

describe('restarting a production backend mid-work', () => {
  let backend: RunningBackend | undefined;
  const argocd = new ArgoCdDouble();
  const vault = new VaultDouble();
  const kubernetes = new KubernetesDouble();
  // Templates run with the platform automation token (the CI token may
  // only send DORA events and read).
  const headers = {
    Authorization: `Bearer ${platformToken}`,
    'Content-Type': 'application/json',
  };

  const launch = (on: number) =>
    production.start({
      port: on,
      env: {
        ARGOCD_URL: argocd.url,
        ARGOCD_TOKEN: argocd.token,
        VAULT_ADDR: vault.url,
        VAULT_TOKEN: vault.token,
        ...loopbackClusterEnv(kubernetes),
        // The image's catalog plus the probe template.
        APP_CONFIG_catalog_locations: JSON.stringify([
          ...productionLocations(),
          {
            type: 'file',
            target: './restart-recovery.yaml',
            rules: [{ allow: ['Template'] }],
          },
        ]),
        // A dead replica's task is taken over after 5 s without a
        // heartbeat instead of production's 30 s.
        APP_CONFIG_scaffolder_taskRecovery_staleTimeout: JSON.stringify({
          seconds: 5,
        }),
      },
    });
  const start = async () => {
    backend = await launch(port);
  };

  beforeAll(async () => {
    await argocd.start();
    await vault.start();
    await kubernetes.start();
    fs.writeFileSync(
      path.join(production.dir(), 'restart-recovery.yaml'),
      yaml.stringify(recoveryTemplate),
    );
    await start();
    for (const service of doraServices) {
      await waitForEntity(
        backend!.baseUrl,
        apiToken,
        `component/default/${service}`,
      );
    }
  }, 240_000);

  afterAll(async () => {
    await production.stop();
    await Promise.all([argocd.close(), vault.close(), kubernetes.close()]);
  }, 60_000);

  it('keeps every DORA batch acknowledged before a SIGKILL, and stores retried ones once', async () => {
    const batches = deploymentBatches('restart', 20_000, 100);
    const acknowledged = new Set<number>();
    let killed = false;
    let next = 0;
    // Four clients sending batch after batch until the backend dies.
    const client = async () => {
      while (!killed && next < batches.length) {
        const index = next++;
        try {
          const status = await postEvents(
            backend!.baseUrl,
            apiToken,
            batches[index],
          );
          if (status === 200 || status === 201) {
            acknowledged.add(index);
          }
        } catch {
          // Connection reset by the kill: not acknowledged.
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);
    await eventually(
      async () => (acknowledged.size >= 30 ? true : undefined),
      '30 batches to be acknowledged',
    );
    await backend!.kill();
    killed = true;
    await Promise.all(clients);
    const sent = next;
    expect(sent).toBeLessThan(batches.length);

    await start();
    const storedKeys = async () =>
      withDatabase(`${prefix}dora`, async c => {
        const { rows } = await c.query(
          "SELECT idempotency_key FROM dora_deployments WHERE idempotency_key LIKE 'restart-%'",
        );
        return new Set(rows.map(r => r.idempotency_key as string));
      });
    const afterRestart = await storedKeys();
    const lost = [...acknowledged]
      .flatMap(i => batches[i])
      .filter(e => !afterRestart.has(e.idempotencyKey));
    expect(lost).toEqual([]);

    // The client retries what it did not see acknowledged, then sends the rest.
    const retried: DeploymentEvent[][] = [];
    for (let i = 0; i < batches.length; i++) {
      if (!acknowledged.has(i)) {
        retried.push(batches[i]);
      }
    }
    for (const batch of retried) {
      expect(await postEvents(backend!.baseUrl, apiToken, batch)).toBeLessThan(
        300,
      );
    }
    const stored = await withDatabase(`${prefix}dora`, c =>
      c.query(
        "SELECT count(*)::int AS n, count(DISTINCT idempotency_key)::int AS keys FROM dora_deployments WHERE idempotency_key LIKE 'restart-%'",
      ),
    );
    expect(stored.rows[0]).toEqual({ n: 20_000, keys: 20_000 });
  }, 240_000);

  /**
   * Starts the probe template for `name` on `on` and returns once its ArgoCD
   * and Vault steps are done and it pauses; the write counts at that point.
   */
  async function startTaskUntilPaused(on: RunningBackend, name: string) {
    await waitForEntity(
      on.baseUrl,
      apiToken,
      'template/default/restart-recovery',
    );
    const created = await fetch(`${on.baseUrl}/api/scaffolder/v2/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        templateRef: 'template:default/restart-recovery',
        values: { name },
      }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    // The pause has begun, so the ArgoCD and Vault steps are recorded done.
    await eventually(async () => {
      const res = await fetch(
        `${on.baseUrl}/api/scaffolder/v2/tasks/${id}/events`,
        { headers },
      );
      const events: Array<{ body?: { stepId?: string } }> = await res.json();
      return events.some(e => e.body?.stepId === 'pause') ? true : undefined;
    }, `task ${name} to reach its pause`);
    expect(vault.policies.has(`${name}-read`)).toBe(true);
    expect(kubernetes.get('v1', 'Namespace', name)).toBeUndefined();
    return {
      id: id as string,
      argocdWrites: argocd.writes().length,
      vaultWrites: vault.writes().length,
    };
  }

  /** Waits for the task to end on `on`; its status and event log. */
  async function finished(on: RunningBackend, id: string) {
    const task = await eventually(
      async () => {
        const res = await fetch(`${on.baseUrl}/api/scaffolder/v2/tasks/${id}`, {
          headers,
        });
        const body = await res.json();
        return ['completed', 'failed', 'cancelled'].includes(body.status)
          ? body
          : undefined;
      },
      `task ${id} to finish`,
      90_000,
    );
    const events = await (
      await fetch(`${on.baseUrl}/api/scaffolder/v2/tasks/${id}/events`, {
        headers,
      })
    ).json();
    return { status: task.status as string, log: JSON.stringify(events) };
  }

  /** Recovered, and the steps done before the kill not re-run. */
  function expectResumed(
    result: { status: string; log: string },
    before: { argocdWrites: number; vaultWrites: number },
    name: string,
  ) {
    expect(result.log).toContain('Task recovered');
    expect(result.log).toContain(
      'Skipping step argocd because it was already completed',
    );
    expect(argocd.writes()).toHaveLength(before.argocdWrites);
    expect(vault.writes()).toHaveLength(before.vaultWrites);
    expect(argocd.applications.has(`argocd/${name}`)).toBe(true);
    expect(kubernetes.get('v1', 'Namespace', name)).toBeDefined();
  }

  it('recovers a scaffolder task accepted before a SIGKILL and completes it without repeating finished steps', async () => {
    const paused = await startTaskUntilPaused(backend!, 'restart-demo');
    await backend!.kill();
    await start();
    const result = await finished(backend!, paused.id);
    // Compared whole, so a failure shows the task's log.
    expect(result).toEqual({ status: 'completed', log: expect.any(String) });
    expectResumed(result, paused, 'restart-demo');
    expect(argocd.applications.size).toBe(1);
  }, 240_000);

  it('finishes on the other replica a task whose replica died', async () => {
    const peer = await launch(peerPort);
    const paused = await startTaskUntilPaused(backend!, 'takeover-demo');
    await backend!.kill();
    // No restart: the live replica takes the task over.
    const result = await finished(peer, paused.id);
    expect(result).toEqual({ status: 'completed', log: expect.any(String) });
    expectResumed(result, paused, 'takeover-demo');
  }, 240_000);
});
