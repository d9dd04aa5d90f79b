/*
 * Two replicas of the production bundle on one PostgreSQL (the same database
 * prefix): scheduled work runs once per tick across both, ingestion spread
 * over both stores every event once, and both serve the same answers.
 *
 * The scheduled tasks are observed where they act: the scorecard evaluation
 * and the DORA backfill read GitHub (a GitHubDouble), the namespace TTL sweep
 * lists namespaces on the cluster (a KubernetesDouble).
 */
import {
  GitHubDouble,
  KubernetesDouble,
  RecordedRequest,
} from '@internal/platform-api-doubles';
import { eventually, RunningBackend, waitForEntity } from './harness';
import {
  loopbackClusterEnv,
  productionBundle,
  withDatabase,
} from './production';
import {
  deploymentBatches,
  doraServices,
  postEvents,
} from './__testUtils__/doraEvents';

const production = productionBundle('replicas');
const { prefix, apiToken } = production;
const ports = [7400, 7401];

/*
 * Global tasks wait for the scheduler's poll, every min(5 s, frequency). A
 * frequency of twice the poll makes one run per tick provable from the
 * outside: see assertOneRunPerTick.
 */
const frequencyMs = 10_000;
const pollMs = 5_000;
const schedule = JSON.stringify({
  frequency: { seconds: frequencyMs / 1000 },
  timeout: { seconds: 60 },
  initialDelay: { seconds: 1 },
});
const observeMs = 60_000;

/*
 * The scheduler's guarantee: a run's next start is at least one frequency
 * after the previous *scheduled* start, and a replica claims a due task at
 * its next poll. So the i-th and j-th observed runs are at least
 * (j - i) * frequency - poll apart (plus the jitter between a claim and the
 * request we see). Two runs of one tick (0 ms apart) break this for any pair.
 */
function assertOneRunPerTick(task: string, times: number[]) {
  // Runs do some work before the request we see (the scorecard evaluates a
  // batch of entities first). Two runs in one tick still miss the floor by 2 s.
  const jitterMs = 3_000;
  const sorted = [...times].sort((a, b) => a - b);
  const violations: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const gap = sorted[j] - sorted[i];
      const floor = (j - i) * frequencyMs - pollMs - jitterMs;
      if (gap < floor) {
        violations.push(`runs ${i} and ${j} only ${gap} ms apart`);
      }
    }
  }
  expect({ task, violations }).toEqual({ task, violations: [] });
}

/** Arrival times of the requests `matches` picks, after `since`. */
function runTimes(
  requests: RecordedRequest[],
  since: number,
  matches: (r: RecordedRequest) => boolean,
): number[] {
  return requests.filter(r => r.at >= since && matches(r)).map(r => r.at);
}

describe('two replicas on one PostgreSQL', () => {
  const replicas: RunningBackend[] = [];
  const github = new GitHubDouble();
  const kubernetes = new KubernetesDouble();
  const headers = { Authorization: `Bearer ${apiToken}` };

  beforeAll(async () => {
    await github.start();
    await kubernetes.start();
    const env = {
      GITHUB_TOKEN: github.token,
      APP_CONFIG_scorecard_github_baseUrl: github.url,
      APP_CONFIG_scorecard_schedule: schedule,
      // Only the full evaluation is observed; the changes-only pass stays out.
      APP_CONFIG_scorecard_changesSchedule: JSON.stringify({
        frequency: { hours: 24 },
        timeout: { minutes: 10 },
        initialDelay: { hours: 24 },
      }),
      APP_CONFIG_dora_github_apiBaseUrl: github.url,
      APP_CONFIG_dora_github_backfill: JSON.stringify({
        enabled: true,
        schedule: JSON.parse(schedule),
      }),
      APP_CONFIG_pavedRoad_ttlSweep_schedule: schedule,
      ...loopbackClusterEnv(kubernetes),
    };
    // One after the other: both run the migrations of one set of databases.
    for (const port of ports) {
      replicas.push(await production.start({ port, env }));
    }
    for (const service of doraServices) {
      await waitForEntity(
        replicas[0].baseUrl,
        apiToken,
        `component/default/${service}`,
      );
    }
  }, 300_000);

  afterAll(async () => {
    await production.stop();
    await github.close();
    await kubernetes.close();
  }, 60_000);

  it('runs each scheduled task once per tick across both replicas', async () => {
    // checkout-service has a GitHub slug: each scorecard evaluation and each
    // backfill pass reads its repository once.
    await waitForEntity(
      replicas[1].baseUrl,
      apiToken,
      'component/default/checkout-service',
    );
    const since = Date.now();
    await new Promise(r => setTimeout(r, observeMs));

    const scorecard = runTimes(
      github.requests,
      since,
      r => r.path === '/repos/acme-freight/checkout-service',
    );
    const backfill = runTimes(
      github.requests,
      since,
      r => r.path === '/repos/acme-freight/checkout-service/deployments',
    );
    const sweep = runTimes(
      kubernetes.requests,
      since,
      r => r.method === 'GET' && r.path === '/api/v1/namespaces',
    );
    const ticks = Math.floor(observeMs / frequencyMs);
    for (const [task, times] of Object.entries({
      scorecard,
      backfill,
      sweep,
    })) {
      // It did run, every tick (give or take the poll at either end)…
      const everyTick = times.length >= ticks - 1 && times.length <= ticks + 1;
      expect({ task, runs: times.length, everyTick }).toEqual({
        task,
        runs: times.length,
        everyTick: true,
      });
      // …and never twice in one tick.
      assertOneRunPerTick(task, times);
    }
  }, 120_000);

  it('stores events spread over both replicas exactly once, duplicates included', async () => {
    const batches = deploymentBatches('replicas', 4_000, 100);
    // Each batch to one replica; every third batch to both at the same time
    // (a client retrying against the other replica behind the load balancer).
    const deliveries = batches.flatMap((batch, i) =>
      i % 3 === 0
        ? replicas.map(r => () => postEvents(r.baseUrl, apiToken, batch))
        : [() => postEvents(replicas[i % 2].baseUrl, apiToken, batch)],
    );
    const statuses = await Promise.all(deliveries.map(send => send()));
    expect(statuses.filter(s => s !== 200 && s !== 201)).toEqual([]);

    const stored = await withDatabase(`${prefix}dora`, client =>
      client.query(
        "SELECT count(*)::int AS n, count(DISTINCT idempotency_key)::int AS keys FROM dora_deployments WHERE idempotency_key LIKE 'replicas-%'",
      ),
    );
    expect(stored.rows[0]).toEqual({ n: 4_000, keys: 4_000 });

    // Both replicas count the same 1 000 deployments for each service.
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 10 * 86_400_000).toISOString();
    for (const replica of replicas) {
      const res = await fetch(
        `${replica.baseUrl}/api/dora/metrics?scope=service&ref=component:default/orders-service&from=${from}&to=${to}`,
        { headers },
      );
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.current.deploymentFrequency.deployments).toBe(1_000);
    }
  }, 120_000);

  it('serves the same answers from either replica', async () => {
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const paths = [
      '/api/catalog/entities/by-name/component/default/orders-service',
      '/api/scorecard/entities/component/default/orders-service',
      `/api/dora/metrics?scope=service&ref=component:default/orders-service&from=${from}&to=${to}`,
      `/api/dora/metrics?from=${from}&to=${to}`,
    ];
    for (const path of paths) {
      // Read both at once; a scheduled evaluation landing between the two
      // reads is not a disagreement, so compare again until they settle.
      let last: unknown;
      const agreed = await eventually(
        async () => {
          const [first, second] = await Promise.all(
            replicas.map(async r => {
              const res = await fetch(`${r.baseUrl}${path}`, { headers });
              return { status: res.status, body: await res.json() };
            }),
          );
          last = { path, first, second };
          return first.status === 200 &&
            JSON.stringify(first) === JSON.stringify(second)
            ? true
            : undefined;
        },
        `both replicas to answer ${path} alike`,
        10_000,
      ).catch(() => last);
      expect(agreed).toBe(true);
    }
  }, 60_000);
});
