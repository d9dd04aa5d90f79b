/*
 * yarn bench:golden-path — runs the Node.js golden path N times through the
 * backend's scaffolder API on the embedded default (built bundle, local
 * stand-ins) and times each task from submit to completion. The baseline,
 * in the same run, is the scaffolder's own floor: a one-step template
 * (debug:log) through the same API's dry run.
 *
 * Then the same golden path from the command line, `platform create
 * service` (a process per run, as a user runs it), and `platform templates
 * check templates/nodejs-service` (lint, dry run, rendered checks), each
 * next to the API run above.
 *
 * The last line is JSON: { runs, median_ms, p95_ms, baseline_median_ms,
 * ratio_to_baseline, cli_runs, cli_create_median_ms, cli_over_api,
 * template_check_median_ms }. Targets: median_ms <= 5000 on our 2-core
 * machines; template_check_median_ms <= 10000.
 *
 * Env: BENCH_RUNS (default 10), BENCH_CLI_RUNS (default 3).
 */
/* eslint-disable no-console */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  guestToken,
  repoRoot,
  startBackend,
  waitForEntity,
} from '../src/e2e/harness';
import { runBench } from './runBench';
import { percentile } from './stats';

const runs = Number(process.env.BENCH_RUNS ?? 10);
const cliRuns = Number(process.env.BENCH_CLI_RUNS ?? 3);

/** Milliseconds `platform <args>` takes, as a process of its own. */
async function timePlatform(baseUrl: string, args: string[]) {
  const started = performance.now();
  await promisify(execFile)(
    process.execPath,
    [
      path.join(repoRoot, 'packages/cli/bin/platform'),
      '--url',
      baseUrl,
      ...args,
    ],
    { cwd: repoRoot, maxBuffer: 16 << 20 },
  );
  return performance.now() - started;
}

runBench(
  bundleDir =>
    startBackend({
      bundleDir,
      port: 7237,
      configs: ['app-config.yaml'],
      workingDir: 'packages/backend',
      env: { NODE_ENV: 'development' },
    }),
  async backend => {
    const token = await guestToken(backend.baseUrl);
    const api = (route: string, body?: unknown) =>
      fetch(`${backend.baseUrl}/api/scaffolder/v2${route}`, {
        method: body ? 'POST' : 'GET',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: body ? JSON.stringify(body) : undefined,
      });

    // Wait until the catalog has ingested the templates.
    await waitForEntity(
      backend.baseUrl,
      token,
      'template/default/nodejs-service',
    );

    const baseline: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const res = await api('/dry-run', {
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'baseline' },
          spec: {
            type: 'service',
            steps: [
              { id: 'log', action: 'debug:log', input: { message: 'hello' } },
            ],
          },
        },
        values: {},
        directoryContents: [],
      });
      await res.json();
      baseline.push(performance.now() - started);
    }

    const durations: number[] = [];
    const stamp = Date.now().toString(36);
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const created = await api('/tasks', {
        templateRef: 'template:default/nodejs-service',
        values: {
          name: `bench-${stamp}-${i}`,
          description: 'Golden path benchmark',
          owner: 'group:default/fulfilment-team',
          system: 'system:default/order-management',
          database: 'none',
          environment: 'dev',
          size: 'small',
          replicas: 2,
        },
      });
      const { id } = await created.json();
      for (;;) {
        const task = await (await api(`/tasks/${id}`)).json();
        if (task.status === 'completed') break;
        if (task.status === 'failed' || task.status === 'cancelled') {
          throw new Error(`Task ${id} ${task.status}`);
        }
        await new Promise(r => setTimeout(r, 50));
      }
      durations.push(performance.now() - started);
      console.log(`run ${i + 1}/${runs}: ${Math.round(durations[i])} ms`);
    }

    const cliCreate: number[] = [];
    const templateCheck: number[] = [];
    for (let i = 0; i < cliRuns; i++) {
      cliCreate.push(
        await timePlatform(backend.baseUrl, [
          'create',
          'service',
          '--name',
          `bench-cli-${stamp}-${i}`,
          '--language',
          'nodejs',
          '--owner',
          'fulfilment-team',
          '--system',
          'order-management',
        ]),
      );
      templateCheck.push(
        await timePlatform(backend.baseUrl, [
          'templates',
          'check',
          'templates/nodejs-service',
        ]),
      );
      console.log(
        `cli run ${i + 1}/${cliRuns}: create ${Math.round(
          cliCreate[i],
        )} ms, templates check ${Math.round(templateCheck[i])} ms`,
      );
    }

    for (const series of [durations, baseline, cliCreate, templateCheck]) {
      series.sort((a, b) => a - b);
    }
    const median = percentile(durations, 0.5);
    const baselineMedian = percentile(baseline, 0.5);
    const cliMedian = percentile(cliCreate, 0.5);
    console.log(
      JSON.stringify({
        runs,
        median_ms: Math.round(median),
        p95_ms: Math.round(percentile(durations, 0.95)),
        baseline_median_ms: Math.round(baselineMedian),
        ratio_to_baseline: Number((median / baselineMedian).toFixed(1)),
        cli_runs: cliRuns,
        cli_create_median_ms: Math.round(cliMedian),
        cli_over_api: Number((cliMedian / median).toFixed(1)),
        template_check_median_ms: Math.round(percentile(templateCheck, 0.5)),
      }),
    );
  },
);
