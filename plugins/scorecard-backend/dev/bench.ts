/*
 * Scorecard benchmark: 10,000 synthetic components, every default check,
 * GitHub and TechDocs answered by loopback HTTP doubles, TechDocs sources
 * read from a local directory (as for `file` locations); then the p95 of the
 * single-entity API. Each figure has a baseline measured in the same run:
 * evaluating entities one at a time (what an on-demand scorecard does on each
 * page view) and a bare JSON route on the same HTTP stack (the floor).
 * Last line: JSON with evaluate_all_ms, evaluate_all_speedup,
 * entity_api_p95_ms and entity_api_floor_p95_ms.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs plugins/scorecard-backend/dev/bench.ts
 *
 * Env: BENCH_ENTITIES (default 10000), BENCH_POSTGRES (connection string;
 * default SQLite in memory).
 */
/* eslint-disable no-console */
import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import { fork } from 'child_process';
import fs from 'fs';
import http from 'http';
import knexFactory, { Knex } from 'knex';
import { AddressInfo } from 'net';
import { DEFAULT_CHECKS_FILE } from '../src/checks/CheckLoader';
import { parseChecksFile } from '../src/checks/parseChecksFile';
import { DatabaseScorecardStore } from '../src/database/DatabaseScorecardStore';
import { Evaluator } from '../src/evaluation/Evaluator';
import { GitHubFactSource } from '../src/facts/GitHubFactSource';
import { TechDocsFactSource } from '../src/facts/TechDocsFactSource';
import { createRouter } from '../src/service/router';
import { DOCS_SITE, DocsLocations } from '../src/__testUtils__/docsLocations';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 10_000);
const TEAMS = 50;

async function listen(app: express.Express) {
  const server = http.createServer(app);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

/** `docsLocation`: where components with TechDocs are registered from. */
function syntheticCatalog(docsLocation: string): Entity[] {
  const entities: Entity[] = [];
  for (let t = 0; t < TEAMS; t++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${t}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: `db-${t}`,
        namespace: 'default',
        annotations:
          t % 5 === 0 ? {} : { 'paved-road.io/backup-policy': 'daily-35d' },
      },
      spec: { type: 'database', owner: `team-${t}` },
    });
  }
  for (let i = 0; i < ENTITIES; i++) {
    const annotations: Record<string, string> = {
      'github.com/project-slug': `acme/svc-${i}`,
      'prometheus.io/alerts': `svc-${i}-alerts`,
    };
    if (i % 3) {
      annotations['backstage.io/techdocs-ref'] = 'dir:.';
      annotations['backstage.io/managed-by-location'] = docsLocation;
    }
    if (i % 4) annotations['pagerduty.com/service-id'] = `P${i}`;
    if (i % 7) annotations['paved-road.io/cost-center'] = 'cc-1';
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `svc-${i}`,
        namespace: 'default',
        annotations,
        links: [{ title: 'Grafana dashboard', url: 'https://grafana.example' }],
      },
      spec: {
        type: i % 10 === 0 ? 'library' : 'service',
        lifecycle: 'production',
        owner: i % 97 === 0 ? 'ghost' : `team-${i % TEAMS}`,
        dependsOn: [`resource:default/db-${i % TEAMS}`],
      },
    });
  }
  return entities;
}

/**
 * GitHub and TechDocs doubles, run in a child process as the real services
 * would be elsewhere: the benchmark measures the scorecard, not the doubles.
 */
async function startDoubles() {
  // GitHub double: every repo exists; one in nine has a failing run.
  const github = express();
  github.get('/repos/:owner/:repo', (req, res) => {
    res.json({ name: req.params.repo, default_branch: 'main' });
  });
  github.get('/repos/:owner/:repo/actions/runs', (req, res) => {
    const n = Number(req.params.repo.split('-')[1]);
    res.json({
      total_count: 1,
      workflow_runs: [
        {
          id: n,
          name: 'ci',
          status: 'completed',
          conclusion: n % 9 === 0 ? 'failure' : 'success',
          html_url: 'https://github.example/run',
          head_sha: 'abc',
          created_at: '2026-11-25T09:00:00Z',
        },
      ],
    });
  });
  const techdocs = express();
  techdocs.get('/metadata/techdocs/:namespace/:kind/:name', (_req, res) => {
    res.json({ build_timestamp: Date.now() });
  });
  const githubServer = await listen(github);
  const techdocsServer = await listen(techdocs);
  process.send!({ github: githubServer.url, techdocs: techdocsServer.url });
}

function percentile95(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.95) - 1];
}

async function main() {
  const child = fork(__filename, [], {
    env: { ...process.env, BENCH_ROLE: 'doubles' },
    execArgv: process.execArgv,
  });
  // The TypeScript loader also talks over IPC: wait for our own message.
  const urls = await new Promise<{ github: string; techdocs: string }>(
    resolve =>
      child.on('message', (m: any) => {
        if (m?.github && m?.techdocs) {
          resolve(m);
        }
      }),
  );
  const githubServer = { url: urls.github };
  const techdocsServer = { url: urls.techdocs };

  // PostgreSQL: a throw-away database of its own, dropped at the end.
  const benchDb = `scorecard_bench_${process.pid}`;
  let admin: Knex | undefined;
  let knex: Knex;
  if (process.env.BENCH_POSTGRES) {
    admin = knexFactory({
      client: 'pg',
      connection: process.env.BENCH_POSTGRES,
    });
    await admin.raw(`CREATE DATABASE ${benchDb}`);
    const connection = new URL(process.env.BENCH_POSTGRES);
    connection.pathname = `/${benchDb}`;
    knex = knexFactory({ client: 'pg', connection: connection.toString() });
  } else {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
  }
  const store = await DatabaseScorecardStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });

  const quiet = () => {};
  const logger: LoggerService = {
    info: quiet,
    warn: quiet,
    error: quiet,
    debug: quiet,
    child: () => logger,
  };
  const auth = mockServices.auth();
  const checks = {
    ...parseChecksFile(
      fs.readFileSync(DEFAULT_CHECKS_FILE, 'utf8'),
      DEFAULT_CHECKS_FILE,
    ),
    hash: 'bench',
    loadedAt: new Date(),
  };
  const docs = new DocsLocations();
  const diskOnly = async (): Promise<never> => {
    throw new Error('the benchmark reads docs sources from disk only');
  };
  const catalog = catalogServiceMock({
    entities: syntheticCatalog(docs.location('svc', DOCS_SITE)),
  });
  const evaluator = new Evaluator({
    catalog,
    auth,
    store,
    getChecks: () => checks,
    sources: {
      github: new GitHubFactSource({
        baseUrl: githubServer.url,
        token: 'bench',
        logger,
      }),
      techdocs: new TechDocsFactSource({
        reader: { readUrl: diskOnly, readTree: diskOnly, search: diskOnly },
        integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
        discovery: {
          getBaseUrl: async () => techdocsServer.url,
          getExternalBaseUrl: async () => techdocsServer.url,
        },
        auth,
        logger,
      }),
    },
    logger,
    staleAfterMs: 86_400_000,
    batchSize: Number(process.env.BENCH_BATCH ?? 500),
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
  });

  const started = performance.now();
  const summary = await evaluator.evaluateAll();
  const evaluateAllMs = Math.round(performance.now() - started);
  console.log(`evaluated ${summary.evaluated} entities in ${evaluateAllMs} ms`);

  // Baseline: the same evaluation one entity at a time, on a sample.
  const sample = Math.min(200, ENTITIES);
  const oneByOneStarted = performance.now();
  for (let i = 0; i < sample; i++) {
    await evaluator.evaluateOne(
      `component:default/svc-${(i * 7919) % ENTITIES}`,
    );
  }
  const oneByOneMsPerEntity = (performance.now() - oneByOneStarted) / sample;
  console.log(
    `one at a time: ${oneByOneMsPerEntity.toFixed(
      2,
    )} ms per entity (sample of ${sample})`,
  );

  const app = express();
  // Baseline route: a body of the same size, no store or scoring behind it.
  let floorBody: unknown = {};
  app.get('/__floor', (_req, res) => res.json(floorBody));
  app.use(
    await createRouter({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      store,
      evaluator,
      checks: { getChecks: () => checks, getLastError: () => undefined },
      staleAfterMs: 86_400_000,
    }),
  );
  const api = await listen(app);
  const agent = new http.Agent({ keepAlive: true });
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      http
        .get(`${api.url}${path}`, { agent }, res => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(performance.now() - t0)
              : reject(new Error(`${path}: ${res.statusCode}`)),
          );
        })
        .on('error', reject);
    });
  for (let i = 0; i < 20; i++) {
    await get(`/entities/component/default/svc-${i}`);
  }
  floorBody = await (
    await fetch(`${api.url}/entities/component/default/svc-1`)
  ).json();
  const timings: number[] = [];
  const floorTimings: number[] = [];
  for (let i = 0; i < 500; i++) {
    const n = (i * 7919) % ENTITIES;
    timings.push(await get(`/entities/component/default/svc-${n}`));
    floorTimings.push(await get('/__floor'));
  }
  const p95 = percentile95(timings);
  const floorP95 = percentile95(floorTimings);
  const listMs = await get('/entities?limit=50');

  agent.destroy();
  api.server.close();
  child.kill();
  docs.remove();
  await knex.destroy();
  if (admin) {
    await admin.raw(`DROP DATABASE ${benchDb}`);
    await admin.destroy();
  }

  console.log(
    JSON.stringify({
      entities: ENTITIES,
      evaluate_all_ms: evaluateAllMs,
      evaluate_one_by_one_ms_per_entity:
        Math.round(oneByOneMsPerEntity * 100) / 100,
      evaluate_all_speedup:
        Math.round(((oneByOneMsPerEntity * ENTITIES) / evaluateAllMs) * 10) /
        10,
      entity_api_p95_ms: Math.round(p95 * 100) / 100,
      entity_api_floor_p95_ms: Math.round(floorP95 * 100) / 100,
      entity_api_over_floor: Math.round((p95 / floorP95) * 10) / 10,
      list_worst_first_ms: Math.round(listMs * 100) / 100,
    }),
  );
}

(process.env.BENCH_ROLE === 'doubles' ? startDoubles() : main()).catch(
  error => {
    console.error(error);
    process.exit(1);
  },
);
