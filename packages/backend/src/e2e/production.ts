/*
 * The production configuration on the local PostgreSQL, booted from the
 * bundle: shared by the production suites and the benchmarks. Each run gets
 * its own databases (one per plugin, under a unique prefix), which `stop()`
 * drops.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Client } from 'pg';
import { extractBundle, RunningBackend, startBackend } from './harness';

const pg = {
  host: process.env.POSTGRES_HOST ?? '127.0.0.1',
  port: process.env.POSTGRES_PORT ?? '5432',
  user: process.env.POSTGRES_USER ?? 'postgres',
  password: process.env.POSTGRES_PASSWORD ?? 'unused-with-trust-auth',
};

export async function withDatabase<T>(
  database: string,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ ...pg, port: Number(pg.port), database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops every database under `prefix` (one per plugin). */
export async function dropDatabases(prefix: string) {
  await withDatabase('postgres', async client => {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
}

/**
 * Starts the production build with every required environment variable;
 * external systems (GitHub, ArgoCD, Vault, the cluster, PagerDuty) point nowhere, as
 * nothing here may reach them.
 */
export async function startProductionBackend(options: {
  bundleDir: string;
  port: number;
  /** Database prefix unique to this run, e.g. `paved_road_e2e_<time>_`. */
  prefix: string;
  /** The CI token (BACKSTAGE_API_TOKEN): DORA, catalog and scorecard reads. */
  apiToken: string;
  /** The platform automation token (PLATFORM_API_TOKEN): every API. */
  platformToken?: string;
  env?: Record<string, string>;
  /**
   * Whether `stop()` drops the prefix's databases (default true). False when
   * several replicas share the prefix or a restart must find the data again;
   * the caller then drops them once at the end (as productionBundle does).
   */
  ownsDatabases?: boolean;
}): Promise<RunningBackend> {
  const ownsDatabases = options.ownsDatabases ?? true;
  let backend: RunningBackend;
  try {
    backend = await startBackend({
      bundleDir: options.bundleDir,
      port: options.port,
      configs: ['app-config.yaml', 'app-config.production.yaml'],
      env: {
        NODE_ENV: 'production',
        POSTGRES_HOST: pg.host,
        POSTGRES_PORT: pg.port,
        POSTGRES_USER: pg.user,
        POSTGRES_PASSWORD: pg.password,
        APP_CONFIG_backend_database_prefix: options.prefix,
        BACKSTAGE_BASE_URL: `http://localhost:${options.port}`,
        BACKSTAGE_API_TOKEN: options.apiToken,
        PLATFORM_API_TOKEN:
          options.platformToken ?? randomBytes(24).toString('hex'),
        AUTH_GITHUB_CLIENT_ID: 'unused-client-id',
        AUTH_GITHUB_CLIENT_SECRET: 'unused-client-secret',
        GITHUB_TOKEN: 'unused',
        GITHUB_ORG: 'acme-freight',
        K8S_CLUSTER_NAME: 'unreachable',
        K8S_CLUSTER_URL: 'https://127.0.0.1:1',
        K8S_CLUSTER_TOKEN: 'unused',
        ARGOCD_URL: 'https://127.0.0.1:1',
        ARGOCD_TOKEN: 'unused',
        VAULT_ADDR: 'https://127.0.0.1:1',
        VAULT_TOKEN: 'unused',
        PAGERDUTY_TOKEN: 'unused',
        PAGERDUTY_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
        APP_CONFIG_oncall_pagerduty_apiBaseUrl: 'https://127.0.0.1:1',
        // The image's /app/techdocs, here in the scratch directory.
        APP_CONFIG_techdocs_publisher_local_publishDirectory: 'techdocs',
        ...options.env,
      },
    });
  } catch (error) {
    // A backend that never became ready may still have created databases.
    if (ownsDatabases) {
      await dropDatabases(options.prefix);
    }
    throw error;
  }
  if (!ownsDatabases) {
    return backend;
  }
  return {
    ...backend,
    async stop() {
      await backend.stop();
      await dropDatabases(options.prefix);
    },
  };
}

/** What a suite boots its production backends from; see productionBundle. */
export interface ProductionBundle {
  /** `paved_road_<suite>_<time>_`: a plugin's database is `${prefix}<pluginId>`. */
  readonly prefix: string;
  /** The CI token (BACKSTAGE_API_TOKEN): DORA, catalog and scorecard reads. */
  readonly apiToken: string;
  /** The platform automation token (PLATFORM_API_TOKEN): every API. */
  readonly platformToken: string;
  /** The bundle's scratch directory, extracted on first use. */
  dir(): string;
  /** Starts a backend on this run's databases; `env` as startProductionBackend's. */
  start(options: {
    port: number;
    env?: Record<string, string>;
  }): Promise<RunningBackend>;
  /** Stops every backend started, drops the databases, removes the bundle. */
  stop(): Promise<void>;
}

/**
 * One suite's production set-up: a bundle in a scratch directory, a database
 * prefix and a service token of its own. Every backend started from it shares
 * the databases (replicas, a restart that must find its data again), so they
 * are dropped once, in `stop()`; call that in `afterAll` even when `beforeAll`
 * failed half-way.
 */
export function productionBundle(suite: string): ProductionBundle {
  const prefix = `paved_road_${suite}_${Date.now()}_`;
  const apiToken = randomBytes(24).toString('hex');
  const platformToken = randomBytes(24).toString('hex');
  let bundleDir: string | undefined;
  const started: RunningBackend[] = [];
  // As the image: without the embedded default's dev-only packages.
  const dir = () => (bundleDir ??= extractBundle({ devPackages: false }));
  return {
    prefix,
    apiToken,
    platformToken,
    dir,
    async start({ port, env }) {
      const backend = await startProductionBackend({
        bundleDir: dir(),
        port,
        prefix,
        apiToken,
        platformToken,
        env,
        ownsDatabases: false,
      });
      started.push(backend);
      return backend;
    },
    async stop() {
      await Promise.all(started.map(backend => backend.stop()));
      await dropDatabases(prefix);
      if (bundleDir) {
        fs.rmSync(bundleDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Environment pointing the production cluster target (pavedRoad.kubernetes
 * "production", and the Kubernetes tab's cluster) at a loopback double.
 */
export function loopbackClusterEnv(double: {
  url: string;
  token: string;
}): Record<string, string> {
  return {
    K8S_CLUSTER_URL: double.url,
    K8S_CLUSTER_TOKEN: double.token,
    // The Kubernetes client refuses plain http unless TLS checks are off;
    // doubles speak http.
    APP_CONFIG_pavedRoad_kubernetes_clusters: JSON.stringify([
      {
        name: 'production',
        url: double.url,
        serviceAccountToken: double.token,
        skipTLSVerify: true,
      },
    ]),
  };
}

/** The number of rows in every table of a database, by table name. */
export async function rowCounts(
  database: string,
): Promise<Record<string, number>> {
  return withDatabase(database, async client => {
    const { rows } = await client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    const counts: Record<string, number> = {};
    for (const { table_name: table } of rows) {
      const result = await client.query(
        `SELECT count(*)::int AS n FROM "${table}"`,
      );
      counts[table] = result.rows[0].n;
    }
    return counts;
  });
}
