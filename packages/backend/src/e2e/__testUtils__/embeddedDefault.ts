/*
 * The embedded default (app-config.yaml) booted from the built bundle, and a
 * headless Chromium to drive it: shared by the browser suites.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { extractBundle, RunningBackend, startBackend } from '../harness';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface EmbeddedDefault {
  backend: RunningBackend;
  /** Where the bundle runs: local repositories land in `.data/repositories`. */
  bundleDir: string;
  browser: Browser;
  page: Page;
  stop(): Promise<void>;
}

export async function startEmbeddedDefault(
  port: number,
): Promise<EmbeddedDefault> {
  const docsDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'paved-road-techdocs-'),
  );
  const bundleDir = extractBundle();
  const backend = await startBackend({
    bundleDir,
    port,
    configs: ['app-config.yaml'],
    workingDir: 'packages/backend',
    env: {
      // The embedded default is a development setup: guest sign-in needs it.
      NODE_ENV: 'development',
      // Built docs go to a scratch directory, not into node_modules.
      APP_CONFIG_techdocs_publisher_local_publishDirectory: docsDir,
    },
  });
  // Without a browser, stop the backend: a leftover would hold the
  // stand-ins' fixed ports and every later suite would fail to start.
  const browser = await chromium
    .launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    .catch(async error => {
      await backend.stop();
      throw error;
    });
  const page = await browser.newPage({
    viewport: { width: 1600, height: 1000 },
    // Charts drawn at once: a screenshot shows them whole, not mid-animation.
    reducedMotion: 'reduce',
  });
  page.setDefaultTimeout(30_000);
  return {
    backend,
    bundleDir,
    browser,
    page,
    async stop() {
      await browser.close();
      await backend.stop();
      for (const dir of [bundleDir, docsDir]) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
