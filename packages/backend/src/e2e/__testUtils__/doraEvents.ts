/*
 * DORA ingestion traffic for the multi-replica and restart suites and the
 * ingestion and load benchmarks: production deployments of the example
 * services, in batches, and the POST that delivers them.
 */

export const doraServices = [
  'orders-service',
  'payments-service',
  'shipping-service',
  'inventory-service',
];

export interface DeploymentEvent {
  type: 'deployment';
  idempotencyKey: string;
  service: string;
  environment: 'production';
  status: 'success' | 'failure';
  startedAt: string;
  finishedAt: string;
  commitSha: string;
}

/**
 * Deployment number `i`, keyed `key`, finished at `finishedAt` (epoch ms)
 * after `durationMs`; with `failEvery`, every such deployment failed.
 */
export function deploymentEvent(
  key: string,
  i: number,
  finishedAt: number,
  options: { durationMs?: number; failEvery?: number } = {},
): DeploymentEvent {
  const { durationMs = 120_000, failEvery } = options;
  return {
    type: 'deployment',
    idempotencyKey: key,
    service: doraServices[i % doraServices.length],
    environment: 'production',
    status: failEvery && i % failEvery === 0 ? 'failure' : 'success',
    startedAt: new Date(finishedAt - durationMs).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    commitSha: (i + 1).toString(16).padStart(40, '0'),
  };
}

export interface ChangeEvent {
  type: 'change';
  idempotencyKey: string;
  service: string;
  commitSha: string;
  authoredAt: string;
}

/**
 * The change deployment number `i` ships (same service and commit as
 * deploymentEvent's), authored at `authoredAt` (epoch ms).
 */
export function changeEvent(
  key: string,
  i: number,
  authoredAt: number,
): ChangeEvent {
  return {
    type: 'change',
    idempotencyKey: key,
    service: doraServices[i % doraServices.length],
    commitSha: (i + 1).toString(16).padStart(40, '0'),
    authoredAt: new Date(authoredAt).toISOString(),
  };
}

/** Splits events into batches of `batchSize`. */
export function inBatches<T>(events: T[], batchSize: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < events.length; i += batchSize) {
    batches.push(events.slice(i, i + batchSize));
  }
  return batches;
}

/**
 * `count` successful deployments keyed `<keyPrefix>-<i>`, one a minute over
 * the last `count` minutes (well inside the default 30-day window), in batches.
 */
export function deploymentBatches(
  keyPrefix: string,
  count: number,
  batchSize: number,
  now = Date.now(),
): DeploymentEvent[][] {
  const events = Array.from({ length: count }, (_, i) =>
    deploymentEvent(`${keyPrefix}-${i}`, i, now - (count - i) * 60_000),
  );
  return inBatches(events, batchSize);
}

/** POSTs one batch to /api/dora/events with the service token; the status. */
export async function postEvents(
  baseUrl: string,
  token: string,
  events: Array<DeploymentEvent | ChangeEvent>,
): Promise<number> {
  const res = await fetch(`${baseUrl}/api/dora/events`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ events }),
  });
  await res.arrayBuffer();
  return res.status;
}
