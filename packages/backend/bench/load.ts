/*
 * yarn bench:load [--duration 20] [--connections 4] [--batch 10] [--baseline 5]
 *
 * Boots the production build on PostgreSQL, waits for the catalog, then for a
 * bounded time runs four autocannon streams at once on loopback: catalog
 * entity pages, the scorecard API, DORA metrics (org, team, service) and DORA
 * ingestion (every event with its own idempotency key). Before that, as the
 * baseline of the same run, one stream alone of the backend's floor (an
 * authenticated GET of the catalog's kind facet, as bench:dora-ingest uses).
 * Prints a table per stream and, as the last line, JSON: { duration_s,
 * requests_per_s, p95_ms, errors, non_2xx, events_sent,
 * events_acknowledged, events_stored, lost, stored_in_flight,
 * baseline_requests_per_s, baseline_p95_ms }. lost = acknowledged (2xx)
 * events whose idempotency key is not in the database; stored_in_flight =
 * stored events whose request was still in flight when the clock stopped.
 * Exits non-zero on any error, non-2xx answer or lost event.
 */
/* eslint-disable no-console */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { waitForEntity } from '../src/e2e/harness';
import { startProductionBackend, withDatabase } from '../src/e2e/production';
import {
  deploymentEvent,
  doraServices as services,
} from '../src/e2e/__testUtils__/doraEvents';
import { runBench } from './runBench';
import { percentile } from './stats';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '4' },
    batch: { type: 'string', default: '10' },
    baseline: { type: 'string', default: '5' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const batchSize = Number(args.batch);
const baselineDuration = Number(args.baseline);
const port = 7452;

const team = 'group:default/fulfilment-team';

interface Stream {
  name: string;
  requests: autocannon.Request[];
}

interface StreamResult {
  name: string;
  requests: number;
  latencies: number[];
  errors: number;
  non2xx: number;
}

/** A latency percentile in ms, to a tenth. */
function latency(sorted: number[], fraction: number): number {
  return Math.round(percentile(sorted, fraction) * 10) / 10;
}

/** Runs one stream; latencies come from each response, for our own p95. */
function run(
  baseUrl: string,
  token: string,
  stream: Stream,
  seconds: number,
): Promise<StreamResult & { seconds: number }> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        duration: seconds,
        connections,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        requests: stream.requests,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          name: stream.name,
          requests: latencies.length,
          latencies: latencies.sort((a, b) => a - b),
          errors: result.errors,
          non2xx: result.non2xx,
          seconds: result.duration,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
}

let nextEvent = 0;
/** Keys of the events whose request was answered 2xx. */
const acknowledgedKeys = new Set<string>();

/** A batch of deployments, each with a key no other request uses. */
function ingestionBatch() {
  const now = Date.now();
  const events = Array.from({ length: batchSize }, () => {
    const i = nextEvent++;
    return deploymentEvent(`load-${i}`, i, now, {
      durationMs: 300_000,
      failEvery: 10,
    });
  });
  return {
    body: JSON.stringify({ events }),
    keys: events.map(e => e.idempotencyKey),
  };
}

const CATALOG_STREAM = 'catalog entity pages';

function streams(): Stream[] {
  const entityRefs = services.map(s => `component:default/${s}`);
  return [
    {
      // What an entity page loads: the entity, its relations, the facets.
      name: CATALOG_STREAM,
      requests: [
        ...services.map(s => ({
          method: 'GET' as const,
          path: `/api/catalog/entities/by-name/component/default/${s}`,
        })),
        {
          method: 'POST',
          path: '/api/catalog/entities/by-refs',
          body: JSON.stringify({ entityRefs: [...entityRefs, team] }),
        },
        {
          method: 'GET',
          path: '/api/catalog/entity-facets?facet=spec.type&filter=kind=component',
        },
        {
          method: 'GET',
          path: `/api/catalog/entities/by-query?filter=kind=component,relations.ownedBy=${team}&limit=20`,
        },
      ],
    },
    {
      name: 'scorecard API',
      requests: [
        ...services.map(s => ({
          method: 'GET' as const,
          path: `/api/scorecard/entities/component/default/${s}`,
        })),
        { method: 'GET', path: '/api/scorecard/entities?limit=50' },
        { method: 'GET', path: '/api/scorecard/teams' },
      ],
    },
    {
      name: 'DORA metrics',
      requests: [
        { method: 'GET', path: '/api/dora/metrics?scope=org' },
        {
          method: 'GET',
          path: `/api/dora/metrics?scope=team&ref=${encodeURIComponent(team)}`,
        },
        ...services.map(s => ({
          method: 'GET' as const,
          path: `/api/dora/metrics?scope=service&ref=component:default/${s}`,
        })),
      ],
    },
    {
      name: 'DORA ingestion',
      requests: [
        {
          method: 'POST',
          path: '/api/dora/events',
          // One request in flight per connection: its context holds the keys.
          setupRequest: (request, context: { keys?: string[] }) => {
            const { body, keys } = ingestionBatch();
            context.keys = keys;
            return { ...request, body };
          },
          onResponse: (status, _body, context: { keys?: string[] }) => {
            if (status >= 200 && status < 300) {
              context.keys?.forEach(key => acknowledgedKeys.add(key));
            }
          },
        },
      ],
    },
  ];
}

const prefix = `paved_road_load_${Date.now()}_`;
const token = randomBytes(24).toString('hex');

runBench(
  bundleDir =>
    startProductionBackend({ bundleDir, port, prefix, apiToken: token }),
  async backend => {
    for (const s of services) {
      await waitForEntity(backend.baseUrl, token, `component/default/${s}`);
    }
    // Scores exist once evaluated; do it now rather than wait for the schedule.
    for (const s of services) {
      const res = await fetch(
        `${backend.baseUrl}/api/scorecard/entities/component/default/${s}/evaluate`,
        { method: 'POST', headers: { Authorization: `Bearer ${token}` } },
      );
      if (!res.ok) {
        throw new Error(`evaluating ${s}: ${res.status} ${await res.text()}`);
      }
    }

    const baseline = await run(
      backend.baseUrl,
      token,
      {
        name: 'baseline: catalog kind facet, alone',
        requests: [
          { method: 'GET', path: '/api/catalog/entity-facets?facet=kind' },
        ],
      },
      baselineDuration,
    );

    console.log(
      `Load: ${duration}s, ${connections} connections per stream, ${batchSize} events per ingestion request`,
    );
    const started = performance.now();
    const results = await Promise.all(
      streams().map(stream => run(backend.baseUrl, token, stream, duration)),
    );
    const seconds = (performance.now() - started) / 1000;

    const stored = await withDatabase(`${prefix}dora`, async client => {
      const { rows } = await client.query(
        'SELECT idempotency_key FROM dora_deployments',
      );
      return new Set<string>(rows.map(r => r.idempotency_key));
    });
    const lost = [...acknowledgedKeys].filter(key => !stored.has(key)).length;

    console.table(
      [...results, baseline].map(r => ({
        stream: r.name,
        requests: r.requests,
        'req/s': Math.round(r.requests / r.seconds),
        'p50 ms': latency(r.latencies, 0.5),
        'p95 ms': latency(r.latencies, 0.95),
        'p99 ms': latency(r.latencies, 0.99),
        errors: r.errors,
        'non-2xx': r.non2xx,
      })),
    );
    const all = results.flatMap(r => r.latencies).sort((a, b) => a - b);
    const streamNamed = (name: string) => {
      const result = results.find(r => r.name === name);
      if (!result) throw new Error(`no stream named ${name}`);
      return result;
    };
    const summary = {
      duration_s: Number(seconds.toFixed(1)),
      requests_per_s: Math.round(all.length / seconds),
      p95_ms: latency(all, 0.95),
      errors: results.reduce((n, r) => n + r.errors, 0),
      non_2xx: results.reduce((n, r) => n + r.non2xx, 0),
      events_sent: nextEvent,
      events_acknowledged: acknowledgedKeys.size,
      events_stored: stored.size,
      lost,
      stored_in_flight: stored.size - (acknowledgedKeys.size - lost),
      baseline_requests_per_s: Math.round(baseline.requests / baseline.seconds),
      baseline_p95_ms: latency(baseline.latencies, 0.95),
      // Issue 18's target: DORA reads within 2x the catalog's entity pages
      // while events arrive.
      dora_to_catalog_p95: Number(
        (
          latency(streamNamed('DORA metrics').latencies, 0.95) /
          latency(streamNamed(CATALOG_STREAM).latencies, 0.95)
        ).toFixed(2),
      ),
    };
    console.log(JSON.stringify(summary));
    if (summary.errors > 0 || summary.non_2xx > 0 || summary.lost > 0) {
      process.exitCode = 1;
    }
  },
  // The image's layout: without the embedded default's dev-only packages.
  { devPackages: false },
);
