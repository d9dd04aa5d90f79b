/*
 * Boots the *built* backend bundle (packages/backend/dist/bundle.tar.gz, the
 * same artefact the Dockerfile ships) in a scratch directory laid out like the
 * image, so end-to-end tests exercise what production runs.
 *
 * The bundle is produced by `yarn build:backend`; the test command builds it
 * before these suites run (see .ci/test). It holds production packages only:
 * the embedded default's dev-only packages (the stand-ins, the API doubles)
 * are devDependencies of the backend, so suites that boot the embedded
 * default get them from the checkout (see extractBundle).
 */
import { ChildProcess, spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

export const repoRoot = path.resolve(resolvePackagePath('backend'), '../..');
const bundlePath = path.join(repoRoot, 'packages/backend/dist/bundle.tar.gz');

/** The files the Dockerfile copies next to the bundle. */
const imageFiles = [
  'app-config.yaml',
  'app-config.production.yaml',
  'catalog',
  'templates',
];

/**
 * Written into a bundle directory whose dev-only packages are linked from the
 * checkout: their names. startBackend then loads the CLI's node transform,
 * which runs them from their TypeScript sources, as `yarn start` does.
 */
const DEV_PACKAGES_FILE = '.dev-packages.json';

export interface ExtractOptions {
  /**
   * Link the workspace packages the bundle lacks (the embedded default's
   * dev-only packages: the stand-ins, the API doubles) from the checkout, as
   * `yarn start` finds them. Default true, for the embedded default; false
   * for production, where they are absent as in the image.
   */
  devPackages?: boolean;
}

/**
 * Lays out the bundle like the image: bundle + configs + catalog. Instead of a
 * second `yarn workspaces focus --production` (network, minutes), third-party
 * modules are symlinked from the repo, while workspace packages resolve to the
 * bundle's own built copies; a workspace package the bundle lacks is a
 * dev-only one, linked from the checkout with `devPackages` and left out
 * otherwise.
 */
export function extractBundle(options: ExtractOptions = {}): string {
  if (!fs.existsSync(bundlePath)) {
    throw new Error(
      `${bundlePath} is missing: run "yarn build:backend" before the e2e suites`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-bundle-'));
  execFileSync('tar', ['xzf', bundlePath, '-C', dir]);
  for (const file of imageFiles) {
    fs.cpSync(path.join(repoRoot, file), path.join(dir, file), {
      recursive: true,
    });
  }
  const devPackages: string[] = [];
  linkNodeModules(
    path.join(repoRoot, 'node_modules'),
    path.join(dir, 'node_modules'),
    dir,
    options.devPackages ?? true ? devPackages : undefined,
  );
  if (devPackages.length > 0) {
    fs.writeFileSync(
      path.join(dir, DEV_PACKAGES_FILE),
      JSON.stringify(devPackages.sort()),
    );
  }
  return dir;
}

/** The dev-only packages extractBundle linked from the checkout, if any. */
export function devPackagesOf(bundleDir: string): string[] {
  const file = path.join(bundleDir, DEV_PACKAGES_FILE);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
}

function linkNodeModules(
  from: string,
  to: string,
  bundleDir: string,
  /** Collects the dev-only packages linked; undefined: leave them out. */
  devPackages: string[] | undefined,
) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.name.startsWith('@') && entry.isDirectory()) {
      linkNodeModules(source, target, bundleDir, devPackages);
      continue;
    }
    const real = fs.realpathSync(source);
    const inWorkspace = path.relative(repoRoot, real);
    const isWorkspacePackage =
      !inWorkspace.startsWith('..') && !inWorkspace.startsWith('node_modules');
    if (!isWorkspacePackage) {
      fs.symlinkSync(real, target);
      continue;
    }
    // Workspace packages point at the bundle's built copy; one the bundle
    // lacks is dev-only: the checkout's, or none, as in the image.
    const built = path.join(bundleDir, inWorkspace);
    if (fs.existsSync(path.join(built, 'package.json'))) {
      fs.symlinkSync(built, target);
    } else if (devPackages) {
      fs.symlinkSync(real, target);
      devPackages.push(
        path.relative(path.join(bundleDir, 'node_modules'), target),
      );
    }
  }
}

export interface RunningBackend {
  baseUrl: string;
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill would: no graceful shutdown. */
  kill(): Promise<void>;
}

export interface StartOptions {
  bundleDir: string;
  port: number;
  configs: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /**
   * Working directory inside the bundle. app-config.yaml resolves catalog
   * paths from packages/backend, where `yarn start` runs the backend.
   */
  workingDir?: string;
}

/** Starts `node packages/backend --config …` and waits for the readiness probe. */
export async function startBackend(
  options: StartOptions,
): Promise<RunningBackend> {
  const baseUrl = `http://localhost:${options.port}`;
  // Dev-only packages linked from the checkout run from their sources.
  const nodeOptions = devPackagesOf(options.bundleDir).length
    ? ['--require', require.resolve('@backstage/cli/config/nodeTransform.cjs')]
    : [];
  const args = [
    ...nodeOptions,
    path.join(options.bundleDir, 'packages/backend'),
  ];
  for (const config of options.configs) {
    args.push('--config', path.join(options.bundleDir, config));
  }
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: path.join(options.bundleDir, options.workingDir ?? '.'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APP_CONFIG_backend_listen_port: String(options.port),
      APP_CONFIG_backend_baseUrl: baseUrl,
      APP_CONFIG_app_baseUrl: baseUrl,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', chunk => (output += chunk));
  child.stderr?.on('data', chunk => (output += chunk));
  const getOutput = () => output;
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };

  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`backend exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
      if (res.ok) {
        return { baseUrl, output: getOutput, stop, kill };
      }
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`backend not ready within the timeout:\n${output}`);
}

/** Polls `probe` until it returns a value, for eventually-consistent state. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(
    `timed out waiting for ${what}${lastError ? `: ${lastError}` : ''}`,
  );
}

/**
 * Runs a browser step; when it fails, saves a full-page screenshot and names
 * the file in the error, so a red CI run shows what the page looked like.
 */
export async function withScreenshot<T>(
  page: {
    screenshot(options: { path: string; fullPage: boolean }): Promise<unknown>;
  },
  name: string,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const file = path.join(os.tmpdir(), `paved-road-e2e-${name}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    throw new Error(
      `${(error as Error).message}\nScreenshot of the page: ${file}`,
      { cause: error },
    );
  }
}

/** A guest's Backstage token (the embedded default allows guest sign-in). */
export async function guestToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  return (await res.json()).backstageIdentity.token;
}

/** Waits until the catalog serves `kind/namespace/name` (ingestion is asynchronous). */
export async function waitForEntity(
  baseUrl: string,
  token: string,
  entity: string,
): Promise<void> {
  await eventually(
    async () => {
      const res = await fetch(
        `${baseUrl}/api/catalog/entities/by-name/${entity}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      return res.ok ? true : undefined;
    },
    `the catalog to serve ${entity}`,
    30_000,
  );
}
