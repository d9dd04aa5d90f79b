/*
 * DORA ingestion traffic for the multi-replica and restart suites: batches
 * of successful production deployments and the POST that delivers them.
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
  status: 'success';
  startedAt: string;
  finishedAt: string;
  commitSha: string;
}

/**
 * `count` successful deployments keyed `<keyPrefix>-<i>`, spread over the
 * last `count` minutes (well inside the default 30-day window), in batches.
 */
export function deploymentBatches(
  keyPrefix: string,
  count: number,
  batchSize: number,
  now = Date.now(),
): DeploymentEvent[][] {
  const events = Array.from(
    { length: count },
    (_, i): DeploymentEvent => ({
      type: 'deployment',
      idempotencyKey: `${keyPrefix}-${i}`,
      service: doraServices[i % doraServices.length],
      environment: 'production',
      status: 'success',
      startedAt: new Date(now - (count - i) * 60_000 - 120_000).toISOString(),
      finishedAt: new Date(now - (count - i) * 60_000).toISOString(),
      commitSha: (i + 1).toString(16).padStart(40, '0'),
    }),
  );
  const batches: DeploymentEvent[][] = [];
  for (let i = 0; i < events.length; i += batchSize) {
    batches.push(events.slice(i, i + batchSize));
  }
  return batches;
}

/** POSTs one batch to /api/dora/events with the service token; the status. */
export async function postEvents(
  baseUrl: string,
  token: string,
  events: DeploymentEvent[],
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
