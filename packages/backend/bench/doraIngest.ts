/*
 * yarn bench:dora-ingest — posts DORA events over HTTP, in batches and with
 * concurrency, to the production build (PostgreSQL at 127.0.0.1:5432, a
 * service token), then counts what was stored.
 *
 * The last line is JSON: { events, duplicates_sent, seconds, events_per_s,
 * lost, baseline_requests_per_s }. `lost` is events sent minus rows stored,
 * the duplicates sent on purpose excluded. The baseline, in the same run, is
 * the backend's own floor: authenticated GETs of a tiny endpoint.
 * Targets: events_per_s >= 5000 here, lost = 0.
 *
 * Env: BENCH_EVENTS (default 50000), BENCH_BATCH (500), BENCH_CONCURRENCY (8).
 */
/* eslint-disable no-console */
import { randomBytes } from 'node:crypto';
import { startProductionBackend, withDatabase } from '../src/e2e/production';
import {
  deploymentEvent,
  inBatches,
} from '../src/e2e/__testUtils__/doraEvents';
import { runBench } from './runBench';

const total = Number(process.env.BENCH_EVENTS ?? 50_000);
const batchSize = Number(process.env.BENCH_BATCH ?? 500);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function pool<T>(
  items: T[],
  size: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        await fn(items[next++]);
      }
    }),
  );
}

const prefix = `paved_road_bench_${Date.now()}_`;
const token = randomBytes(24).toString('hex');
const headers = {
  Authorization: `Bearer ${token}`,
  'Content-Type': 'application/json',
};

runBench(
  bundleDir =>
    startProductionBackend({ bundleDir, port: 7257, prefix, apiToken: token }),
  async backend => {
    // The example services must be in the catalog before events name them.
    for (let i = 0; i < 120; i++) {
      const res = await fetch(
        `${backend.baseUrl}/api/catalog/entities/by-name/component/default/inventory-service`,
        { headers },
      );
      if (res.ok) break;
      await new Promise(r => setTimeout(r, 500));
    }

    // Baseline: the backend's floor for an authenticated request.
    const baselineRequests = 2_000;
    const baselineStart = performance.now();
    await pool(
      Array.from({ length: baselineRequests }),
      concurrency,
      async () => {
        const res = await fetch(
          `${backend.baseUrl}/api/catalog/entity-facets?facet=kind`,
          { headers },
        );
        await res.arrayBuffer();
      },
    );
    const baselinePerSecond =
      baselineRequests / ((performance.now() - baselineStart) / 1000);

    const now = Date.now();
    const events = Array.from({ length: total }, (_, i) =>
      deploymentEvent(`bench-${i}`, i, now - (total - i) * 60_000, {
        durationMs: 300_000,
        failEvery: 10,
      }),
    );
    const batches = inBatches(events, batchSize);
    // Retried deliveries on purpose: every 10th batch is sent twice.
    const duplicates = batches.filter((_, i) => i % 10 === 0);
    let failedRequests = 0;
    const started = performance.now();
    await pool([...batches, ...duplicates], concurrency, async batch => {
      const res = await fetch(`${backend.baseUrl}/api/dora/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ events: batch }),
      });
      if (res.status >= 300) {
        failedRequests++;
        console.error(res.status, (await res.text()).slice(0, 300));
      } else {
        await res.arrayBuffer();
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const stored = await withDatabase(`${prefix}dora`, async c =>
      Number(
        (
          await c.query('SELECT count(*)::int AS n FROM dora_deployments')
        ).rows[0].n,
      ),
    );
    console.log(
      JSON.stringify({
        events: total,
        duplicates_sent: duplicates.flat().length,
        failed_requests: failedRequests,
        seconds: Number(seconds.toFixed(2)),
        events_per_s: Math.round(total / seconds),
        lost: total - stored,
        baseline_requests_per_s: Math.round(baselinePerSecond),
      }),
    );
  },
  // The image's layout: without the embedded default's dev-only packages.
  { devPackages: false },
);
