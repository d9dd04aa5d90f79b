/*
 * yarn bench:dora — the metrics' fast path against the plain-SQL reference.
 *
 * In a fresh PostgreSQL database (dropped at the end) it runs the plugin's
 * migrations, generates two years of data for 500 services and 50 teams with
 * set-based SQL (at --scale 1: 1,000,000 deployments, 10,000,000 changes,
 * 50,000 incidents), builds the rollups with the plugin's own backfill
 * (DatabaseDoraStore.rebuildRollups, what the migration runs), then times
 * MetricsService.metrics (what GET /api/dora/metrics serves: summary of the
 * window and the previous one, weekly trend) for the organisation, a team and
 * a service over the last 90 days, against the reference SQL computing the
 * same windows, and checks both give identical figures.
 *
 * Last line: JSON with p95_ms, reference_p95_ms, speedup (and more).
 *
 *   yarn bench:dora [--scale 0.01]
 *
 * Env: BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432),
 * BENCH_ITERATIONS (fast path runs per scope, default 30),
 * BENCH_REFERENCE_ITERATIONS (default 3; 0 skips the reference and the
 * check, for profiling the fast path), BENCH_KEEP_DATABASE=1 to keep the
 * database for inspection, BENCH_REUSE_DATABASE=<name> to time a kept
 * database again (its migrations are brought up to date; nothing is
 * generated, and the database is kept).
 */
/* eslint-disable no-console */
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory, { Knex } from 'knex';
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { referenceSummary } from '../src/__testUtils__/reference';
import { DatabaseDoraStore } from '../src/database/DatabaseDoraStore';
import { DETAIL_FIGURES, WindowSummary } from '../src/database/types';
import { MetricsService } from '../src/service/metrics';

const DAY_MS = 86_400_000;
const SERVICES = 500;
const TEAMS = 50;
/** Teams 0-9 are departments; teams 10-49 belong to them, four each. */
const DEPARTMENTS = 10;
const END = Date.parse('2026-11-01T00:00:00Z');
const START = END - 730 * DAY_MS;

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const scale = argument('scale', 1);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 30);
const referenceIterations = Number(process.env.BENCH_REFERENCE_ITERATIONS ?? 3);
const server =
  process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';

const teamRef = (t: number) => `group:default/team-${t}`;

/** The teams (a hierarchy under the departments) and the services. */
function catalog(): Entity[] {
  const services: Entity[] = Array.from({ length: SERVICES }, (_, s) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: `svc-${s}`, namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: teamRef(s % TEAMS),
    },
  }));
  const teams: Entity[] = Array.from({ length: TEAMS }, (_, t) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: `team-${t}`, namespace: 'default' },
    spec: {
      type: 'team',
      children: [],
      ...(t >= DEPARTMENTS
        ? { parent: `team-${(t - DEPARTMENTS) % DEPARTMENTS}` }
        : {}),
    },
  }));
  return [...teams, ...services];
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)
  ];
}

/**
 * Two years of history, set-based. Services deploy at skewed rates (a few
 * busy ones, a long tail); a quarter of deployments go to staging, the rest
 * to production-eu or production-us (both production tier), and 5 %
 * fail, so their commits never reach production; ~10 commits per deployment
 * (Poisson), 30 % squash merges, 60 % with a pull request; 4 % rollbacks and
 * 4 % hotfixes naming an earlier production deployment of the same service;
 * regular deployments sent without a kind, one in 33 of the production ones
 * re-deploying an older head (inferred rollbacks, by the backfill);
 * incidents linked explicitly, by a rollback, by the window, or not at all.
 * The change→deployment link columns are what ingestion would have stored.
 */
async function generate(db: Knex) {
  const deployments = Math.round(1_000_000 * scale);
  const changes = Math.round(10_000_000 * scale);
  const incidents = Math.round(50_000 * scale);
  const span = END - START;
  await db.raw('SELECT setseed(0.42)');
  await db.raw(
    `INSERT INTO dora_deployments (idempotency_key, service_ref, owner_ref, environment,
       environment_tier, status, kind, started_at, finished_at, commit_sha, source, created_at)
     SELECT 'dep-' || g, 'component:default/svc-' || s, 'group:default/team-' || (s % ${TEAMS}),
            CASE WHEN r_env < 0.25 THEN 'staging' WHEN r_env < 0.6 THEN 'production-eu'
                 ELSE 'production-us' END,
            CASE WHEN r_env < 0.25 THEN 'staging' ELSE 'production' END,
            CASE WHEN r_status < 0.05 THEN 'failure' ELSE 'success' END,
            CASE WHEN r_kind < 0.04 THEN 'rollback' WHEN r_kind < 0.08 THEN 'hotfix' ELSE 'regular' END,
            finished - 600000, finished, 'h' || g, 'bench', ${END}
       FROM (SELECT g, floor(${SERVICES} * power(random(), 2))::int AS s,
                    random() AS r_env, random() AS r_status, random() AS r_kind,
                    ${START} + floor(random() * ${span})::bigint AS finished
               FROM generate_series(1, ${deployments}) g) x
      ORDER BY finished`,
  );
  await db.raw('ANALYZE dora_deployments');
  // Fixes name the previous production deployment of their service.
  await db.raw(
    `UPDATE dora_deployments d SET remediates_deployment_id = (
       SELECT p.id FROM dora_deployments p
        WHERE p.service_ref = d.service_ref AND p.environment_tier = 'production'
          AND p.status = 'success' AND p.finished_at < d.finished_at
        ORDER BY p.finished_at DESC LIMIT 1)
      WHERE d.kind IN ('hotfix', 'rollback') AND d.environment_tier = 'production'`,
  );
  await db.raw(
    `UPDATE dora_deployments SET kind = 'regular'
      WHERE kind <> 'regular' AND remediates_deployment_id IS NULL`,
  );
  // Regular deployments are sent without a kind; one in 33 of those to
  // production re-deploys the head live before the previous deployment
  // there, which the backfill may infer to be a rollback (chosen by id:
  // no random() is drawn, so the rest of the data set is as before).
  await db.raw(
    `UPDATE dora_deployments SET kind_declared = false WHERE kind = 'regular'`,
  );
  await db.raw(
    `UPDATE dora_deployments d SET commit_sha = COALESCE((
       SELECT p.commit_sha FROM dora_deployments p
        WHERE p.service_ref = d.service_ref AND p.environment_tier = 'production'
          AND p.environment = d.environment AND p.status = 'success'
          AND p.finished_at < d.finished_at
        ORDER BY p.finished_at DESC, p.id DESC OFFSET 1 LIMIT 1), d.commit_sha)
      WHERE d.kind = 'regular' AND d.environment_tier = 'production'
        AND d.status = 'success' AND d.id % 33 = 0`,
  );
  // Each change is in one random deployment (whose commits it joins, next
  // to the head commit); lead times log-uniform from 1 h to 14 days.
  await db.raw(
    `CREATE TEMPORARY TABLE bench_changes AS
     SELECT g, 1 + floor(random() * ${deployments})::bigint AS dep,
            floor(exp(ln(3600000) + random() * ln(336)))::bigint AS lead,
            random() AS r_pr, random() AS r_a, random() AS r_b
       FROM generate_series(1, ${changes}) g`,
  );
  await db.raw(
    `INSERT INTO dora_changes (idempotency_key, service_ref, commit_sha, pr_number,
       authored_at, pr_opened_at, merged_at, squash_merge, deployment_id, deployed_at,
       owner_ref, source, created_at)
     SELECT 'chg-' || g, d.service_ref, 'c' || g,
            CASE WHEN r_pr < 0.6 THEN g::int % 100000 END,
            d.finished_at - lead,
            CASE WHEN r_pr < 0.6 THEN d.finished_at - lead + floor(lead * 0.4 * r_a)::bigint END,
            CASE WHEN r_pr < 0.6 THEN d.finished_at - floor(lead * 0.5 * r_b)::bigint END,
            r_pr < 0.3,
            CASE WHEN ok THEN d.id END, CASE WHEN ok THEN d.finished_at END,
            CASE WHEN ok THEN d.owner_ref END, 'bench', ${END}
       FROM bench_changes x
       JOIN LATERAL (SELECT d.*, d.environment_tier = 'production' AND d.status = 'success' AS ok
                       FROM dora_deployments d WHERE d.id = x.dep) d ON true`,
  );
  await db.raw(
    `INSERT INTO dora_deployment_commits (deployment_id, service_ref, commit_sha)
     SELECT d.id, d.service_ref, d.commit_sha FROM dora_deployments d
     UNION ALL
     SELECT x.dep, d.service_ref, 'c' || x.g
       FROM bench_changes x JOIN dora_deployments d ON d.id = x.dep`,
  );
  await db.raw('DROP TABLE bench_changes');
  // Incidents: 40 % explicit, 20 % by the window, 30 % unlinked, opened
  // within 6 hours of a production deployment; 10 % linked by a rollback to
  // the deployment it rolled back. 90 % resolved after 10 min to 2 days.
  const linkedOrNot = Math.round(incidents * 0.9);
  const resolved = (opened: string) =>
    `CASE WHEN random() < 0.9 THEN ${opened} + floor(exp(ln(600000) + random() * ln(288)))::bigint END`;
  await db.raw(
    `INSERT INTO dora_incidents (idempotency_key, service_ref, owner_ref, opened_at,
       resolved_at, caused_by_deployment_id, caused_by_environment, link_method,
       source, created_at)
     SELECT 'inc-' || g, d.service_ref, d.owner_ref, d.finished_at + x.delay,
            ${resolved('d.finished_at + x.delay')},
            CASE WHEN method = 'none' THEN NULL ELSE d.id END,
            CASE WHEN method = 'none' THEN NULL ELSE d.environment END,
            method, 'bench', ${END}
       FROM (SELECT g,
                    (SELECT id FROM dora_deployments
                      WHERE environment_tier = 'production' AND status = 'success'
                        AND id >= y.start
                      ORDER BY id LIMIT 1) AS dep,
                    CASE WHEN r < 0.45 THEN 'explicit' WHEN r < 0.67 THEN 'window'
                         ELSE 'none' END AS method,
                    floor(random() * 21600000)::bigint AS delay
               FROM (SELECT g, random() AS r,
                            1 + floor(random() * ${deployments})::bigint AS start
                       FROM generate_series(1, ${linkedOrNot}) g) y) x
       JOIN dora_deployments d ON d.id = x.dep`,
  );
  await db.raw(
    `INSERT INTO dora_incidents (idempotency_key, service_ref, owner_ref, opened_at,
       resolved_at, caused_by_deployment_id, caused_by_environment, link_method,
       source, created_at)
     SELECT 'inc-rb-' || r.id, r.service_ref, r.owner_ref, opened,
            ${resolved(
              'opened',
            )}, r.remediates_deployment_id, r.remediated_environment,
            'rollback', 'bench', ${END}
       FROM (SELECT r.*, t.environment AS remediated_environment, t.finished_at + floor(random() * (r.finished_at - t.finished_at))::bigint AS opened
               FROM dora_deployments r
               JOIN dora_deployments t ON t.id = r.remediates_deployment_id
              WHERE r.kind = 'rollback' AND r.status = 'success'
                AND r.environment_tier = 'production'
              ORDER BY random() LIMIT ${
                incidents - Math.round(incidents * 0.9)
              }) r`,
  );
  return { deployments, changes, incidents };
}

/**
 * Generates the data set into an empty database and builds the rollups with
 * the migration's backfill. Secondary indexes of the changes and commits are
 * dropped while rows are generated, then recreated from their definitions.
 */
async function populate(db: Knex, store: DatabaseDoraStore, name: string) {
  console.log(`scale ${scale}: generating in ${name} ...`);
  const indexes = (
    await db.raw(
      `SELECT indexname, indexdef FROM pg_indexes
        WHERE tablename IN ('dora_changes', 'dora_deployment_commits',
                            'dora_change_environments')
          AND indexdef NOT LIKE 'CREATE UNIQUE%'`,
    )
  ).rows as Array<{ indexname: string; indexdef: string }>;
  for (const i of indexes) await db.raw(`DROP INDEX ${i.indexname}`);
  const [rows, generationMs] = await timed(async () => {
    const generated = await generate(db);
    await db.raw('ANALYZE');
    return generated;
  });
  console.log(
    `generated ${JSON.stringify(rows)} in ${(generationMs / 1000).toFixed(
      1,
    )} s`,
  );
  const [, rollupMs] = await timed(() => store.rebuildRollups());
  const [, indexMs] = await timed(async () => {
    for (const i of indexes) await db.raw(i.indexdef);
  });
  console.log(`indexes recreated in ${(indexMs / 1000).toFixed(1)} s`);
  console.log(
    `rollups built (the migration's backfill) in ${(rollupMs / 1000).toFixed(
      1,
    )} s`,
  );
  return { generationMs, rollupMs, indexMs };
}

async function main() {
  const reused = process.env.BENCH_REUSE_DATABASE;
  const name = reused ?? `dora_bench_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: `${server}/postgres` });
  if (!reused) await admin.raw(`CREATE DATABASE ${name}`);
  const connect = () =>
    knexFactory({
      client: 'pg',
      connection: `${server}/${name}`,
      pool: { min: 2, max: 10 },
    });
  const db = connect();
  const timingDb = connect();
  try {
    const store = await DatabaseDoraStore.create({
      database: mockServices.database({ knex: db }),
    });
    if (process.env.BENCH_PROFILE) {
      // Both pools: the fast path is timed through timingDb.
      for (const pool of [db, timingDb]) {
        const started = new Map<string, number>();
        pool.on('query', q => started.set(q.__knexQueryUid, Date.now()));
        pool.on('query-response', (_r, q) => {
          const ms = Date.now() - (started.get(q.__knexQueryUid) ?? Date.now());
          if (ms > Number(process.env.BENCH_PROFILE))
            console.log(
              `${ms} ms: ${q.sql.slice(0, 300)} ${JSON.stringify(
                q.bindings,
              ).slice(0, 200)}`,
            );
        });
      }
    }
    const timings = reused
      ? { generationMs: 0, rollupMs: 0, indexMs: 0 }
      : await populate(db, store, name);
    await db.raw('VACUUM ANALYZE');
    // A bulk load leaves gigabytes to write back, which competes with the
    // first timings for the disk and the cores: time the read path of a
    // settled database, as a live install's is read. (CHECKPOINT needs a
    // superuser or pg_checkpoint; without it only the OS flush runs.)
    await db.raw('CHECKPOINT').catch(() => undefined);
    execFileSync('sync');
    const { generationMs, rollupMs, indexMs } = timings;

    // The fast path is timed through connections of its own: the ones that
    // ran the bulk load and the reference made it about 1.5 times slower
    // for the first scope timed (a new process on the same database was not).
    const metrics = new MetricsService({
      store: await DatabaseDoraStore.create({
        database: mockServices.database({ knex: timingDb }),
      }),
      catalog: catalogServiceMock({ entities: catalog() }),
      auth: mockServices.auth(),
    });
    const busiest = await db('dora_deployments')
      .groupBy('service_ref')
      .orderByRaw('COUNT(*) DESC')
      .first('service_ref');
    const to = END;
    const from = to - 90 * DAY_MS;
    const window = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    };
    const team = 3; // a department: itself and four teams below it
    const scopesOfDefaultTarget = [
      { label: 'org', query: { scope: 'org' as const, ...window }, filter: {} },
      {
        label: `team ${teamRef(team)}`,
        query: { scope: 'team' as const, ref: teamRef(team), ...window },
        filter: { ownerRefs: await metrics.teamOwners(teamRef(team)) },
      },
      {
        label: `service ${busiest.service_ref}`,
        query: {
          scope: 'service' as const,
          ref: busiest.service_ref,
          ...window,
        },
        filter: { serviceRefs: [busiest.service_ref] },
      },
    ];
    // Every scope for the default target (production tiers) and for a
    // picked environment of each tier.
    const scopes = [undefined, 'production-eu', 'staging'].flatMap(
      environment =>
        scopesOfDefaultTarget.map(s =>
          environment === undefined
            ? s
            : {
                label: `${s.label} in ${environment}`,
                query: { ...s.query, environment },
                filter: { ...s.filter, environment },
              },
        ),
    );

    /** Identical figures from the fast path, or the benchmark fails. */
    const assertSameFigures = async (
      s: (typeof scopes)[number],
      refCurrent: WindowSummary,
      refPrevious: WindowSummary,
    ) => {
      const previous = { from: from - (to - from), to: from, ...s.filter };
      const fastCurrent = await store.summary(
        { from, to, ...s.filter },
        { weekly: true },
      );
      const fastPrevious = await store.summary(previous, { weekly: false });
      // What GET /metrics asks of the previous window, as timed.
      const fastHeadline = await store.summary(previous, {
        weekly: false,
        headline: true,
      });
      const refHeadline = {
        ...refPrevious,
        ...Object.fromEntries(DETAIL_FIGURES.map(f => [f, null])),
      };
      if (
        !isDeepStrictEqual(fastCurrent, refCurrent) ||
        !isDeepStrictEqual(fastPrevious, refPrevious) ||
        !isDeepStrictEqual(fastHeadline, refHeadline)
      ) {
        console.error(
          JSON.stringify(
            {
              fastCurrent,
              refCurrent,
              fastPrevious,
              refPrevious,
              fastHeadline,
            },
            null,
            2,
          ),
        );
        throw new Error(`${s.label}: the fast path and the reference disagree`);
      }
    };
    const fastSamples: number[] = [];
    const referenceSamples: number[] = [];
    // The reference first, every scope, checked against the fast path; then
    // the fast path's timings, every scope. Timed straight after the bulk
    // load of ten million rows, the fast path took about 1.6 times as long as
    // on the same database minutes later: the load's after-effects, not the
    // code's cost, so it is timed last.
    const referenceByScope: number[][] = [];
    for (const s of scopes) {
      const reference = () =>
        Promise.all([
          referenceSummary(db, {
            from,
            to,
            ...refOptions(s.filter),
            weekly: true,
          }),
          referenceSummary(db, {
            from: from - (to - from),
            to: from,
            ...refOptions(s.filter),
          }),
        ]);
      // The first timed reference run is also the one checked against
      // (BENCH_REFERENCE_ITERATIONS=0 skips both: profiling only).
      const ref: number[] = [];
      if (referenceIterations > 0) {
        const [[refCurrent, refPrevious], firstMs] = await timed(reference);
        ref.push(firstMs);
        for (let r = 1; r < referenceIterations; r++) {
          ref.push((await timed(reference))[1]);
        }
        await assertSameFigures(s, refCurrent, refPrevious);
      }
      referenceByScope.push(ref);
      referenceSamples.push(...ref);
    }
    for (const [i, s] of scopes.entries()) {
      await metrics.metrics(s.query); // warm-up
      const fast: number[] = [];
      for (let r = 0; r < iterations; r++) {
        fast.push((await timed(() => metrics.metrics(s.query)))[1]);
      }
      fastSamples.push(...fast);
      if (process.env.BENCH_EXPLAIN) {
        await explainStatements(timingDb, () => metrics.metrics(s.query));
      }
      const ref = referenceByScope[i];
      const { deployments, changes } = await store.summary(
        { from, to, ...s.filter },
        { weekly: false },
      );
      console.log(
        `${s.label}: ${deployments} deployments, ${changes} changes in the window; ` +
          `fast p95 ${p95(fast).toFixed(1)} ms, ${
            ref.length
              ? `reference p95 ${p95(ref).toFixed(0)} ms; figures identical`
              : 'reference skipped'
          }`,
      );
    }
    const counts = await db.raw(
      `SELECT (SELECT COUNT(*) FROM dora_deployments) AS deployments,
              (SELECT COUNT(*) FROM dora_changes) AS changes,
              (SELECT COUNT(*) FROM dora_incidents) AS incidents,
              (SELECT COUNT(*) FROM dora_deployments WHERE rollback_inferred)
                AS inferred_rollbacks`,
    );
    const fastP95 = p95(fastSamples);
    const referenceP95 = referenceSamples.length ? p95(referenceSamples) : null;
    console.log(
      JSON.stringify({
        scale,
        rows: Object.fromEntries(
          Object.entries(counts.rows[0]).map(([k, v]) => [k, Number(v)]),
        ),
        generation_s: Math.round(generationMs / 100) / 10,
        rollup_backfill_s: Math.round(rollupMs / 100) / 10,
        index_build_s: Math.round(indexMs / 100) / 10,
        window_days: 90,
        fast_samples: fastSamples.length,
        reference_samples: referenceSamples.length,
        p95_ms: Math.round(fastP95 * 10) / 10,
        reference_p95_ms: referenceP95 && Math.round(referenceP95),
        speedup: referenceP95 && Math.round((referenceP95 / fastP95) * 10) / 10,
      }),
    );
  } finally {
    await db.destroy();
    await timingDb.destroy();
    if (reused || process.env.BENCH_KEEP_DATABASE) {
      console.log(`kept database ${name}`);
    } else {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    await admin.destroy();
  }
}

/**
 * The statements `read` sends through `db`, each run again alone under
 * EXPLAIN ANALYZE: its planning, JIT and execution times (and its plan when
 * BENCH_EXPLAIN=plans).
 */
async function explainStatements(db: Knex, read: () => Promise<unknown>) {
  const statements: Array<{ sql: string; bindings: readonly unknown[] }> = [];
  // As sent: PostgreSQL's own placeholders ($1), run through the driver.
  const onQuery = (q: { sql: string; bindings?: readonly unknown[] }) =>
    statements.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', onQuery);
  try {
    await read();
  } finally {
    db.off('query', onQuery);
  }
  const connection = await db.client.acquireConnection();
  try {
    for (const { sql, bindings } of statements) {
      const result = await connection.query(
        `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
        bindings,
      );
      const plan: string[] = result.rows.map(
        (r: Record<string, string>) => r['QUERY PLAN'],
      );
      const ms = (label: RegExp) =>
        plan.map(line => line.match(label)?.[1]).find(Boolean) ?? '-';
      console.log(
        `  planning ${ms(/Planning Time: ([\d.]+)/)} ms, JIT ${ms(
          /Timing: .*Total ([\d.]+) ms/,
        )} ms, execution ${ms(/Execution Time: ([\d.]+)/)} ms: ${sql
          .replace(/\s+/g, ' ')
          .slice(0, 160)}`,
      );
      if (process.env.BENCH_EXPLAIN === 'plans') {
        console.log(plan.map(line => `    ${line}`).join('\n'));
      }
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}

function refOptions(filter: {
  ownerRefs?: string[];
  serviceRefs?: string[];
  environment?: string;
}) {
  return {
    ...(filter.ownerRefs ? { ownerRefs: filter.ownerRefs } : {}),
    ...(filter.serviceRefs ? { serviceRef: filter.serviceRefs[0] } : {}),
    ...(filter.environment ? { environment: filter.environment } : {}),
  };
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
