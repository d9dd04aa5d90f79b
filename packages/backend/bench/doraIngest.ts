/*
 * yarn bench:dora-ingest — posts DORA events over HTTP, in batches and with
 * concurrency, to the production build (PostgreSQL at 127.0.0.1:5432, a
 * service token), then counts what was stored.
 *
 * Half the events are production deployments, half the changes they ship,
 * in separate requests: the change batch and the deployment batch of the
 * same commits are sent next to each other, so they are in flight at the
 * same moment (as a GitHub push and CI's deployment are).
 *
 * The last line is JSON: { events, duplicates_sent, seconds, events_per_s,
 * lost, unlinked, baseline_requests_per_s }. `lost` is events sent minus
 * rows stored, the duplicates sent on purpose excluded; `unlinked` counts
 * changes whose successful production deployment was stored but which are
 * not linked to it. The baseline, in the same run, is the backend's own
 * floor: authenticated GETs of a tiny endpoint.
 * Targets: events_per_s >= 5000 here, lost = 0, unlinked = 0.
 *
 * Env: BENCH_EVENTS (default 50000), BENCH_BATCH (500), BENCH_CONCURRENCY (8).
 */
/* eslint-disable no-console */
import { randomBytes } from 'node:crypto';
import { startProductionBackend, withDatabase } from '../src/e2e/production';
import {
  changeEvent,
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
    const pairs = Math.floor(total / 2);
    const finishedAt = (i: number) => now - (pairs - i) * 60_000;
    const deployments = inBatches(
      Array.from({ length: pairs }, (_, i) =>
        deploymentEvent(`bench-${i}`, i, finishedAt(i), {
          durationMs: 300_000,
          failEvery: 10,
        }),
      ),
      batchSize,
    );
    const changes = inBatches(
      Array.from({ length: pairs }, (_, i) =>
        changeEvent(`bench-change-${i}`, i, finishedAt(i) - 3_600_000),
      ),
      batchSize,
    );
    // Each deployment batch beside the change batch of the same commits
    // (which first alternates), so the two are in flight together.
    const batches = deployments.flatMap((d, i) =>
      i % 2 ? [d, changes[i]] : [changes[i], d],
    );
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
    const { stored, unlinked } = await withDatabase(
      `${prefix}dora`,
      async c => {
        const count = async (sql: string) =>
          Number((await c.query(sql)).rows[0].n);
        return {
          stored:
            (await count('SELECT count(*)::int AS n FROM dora_deployments')) +
            (await count('SELECT count(*)::int AS n FROM dora_changes')),
          unlinked: await count(
            `SELECT count(*)::int AS n FROM dora_changes c
              WHERE c.deployment_id IS NULL AND EXISTS (
                SELECT 1 FROM dora_deployment_commits dc
                  JOIN dora_deployments d ON d.id = dc.deployment_id
                 WHERE dc.service_ref = c.service_ref
                   AND dc.commit_sha = c.commit_sha
                   AND d.environment_tier = 'production'
                   AND d.status = 'success')`,
          ),
        };
      },
    );
    console.log(
      JSON.stringify({
        events: pairs * 2,
        duplicates_sent: duplicates.flat().length,
        failed_requests: failedRequests,
        seconds: Number(seconds.toFixed(2)),
        events_per_s: Math.round((pairs * 2) / seconds),
        lost: pairs * 2 - stored,
        unlinked,
        baseline_requests_per_s: Math.round(baselinePerSecond),
      }),
    );
    // Speed is compared by a person with the baseline; losing or unlinking
    // an event is a defect whatever the machine.
    if (failedRequests || pairs * 2 !== stored || unlinked) {
      process.exitCode = 1;
    }
  },
  // The image's layout: without the embedded default's dev-only packages.
  { devPackages: false },
);
