/* eslint-disable no-console */
import fs from 'node:fs';
import {
  ExtractOptions,
  extractBundle,
  RunningBackend,
} from '../src/e2e/harness';

/**
 * Runs a benchmark script against a backend booted from a fresh copy of the
 * bundle: `start` boots it, `measure` does the work. The backend is stopped
 * and the copy removed whatever happens; an error exits non-zero, so CI sees
 * a failed run. `layout`: as extractBundle's options (production benchmarks
 * pass `devPackages: false`, the image's layout).
 */
export function runBench(
  start: (bundleDir: string) => Promise<RunningBackend>,
  measure: (backend: RunningBackend) => Promise<void>,
  layout: ExtractOptions = {},
): void {
  (async () => {
    const bundleDir = extractBundle(layout);
    try {
      const backend = await start(bundleDir);
      try {
        await measure(backend);
      } finally {
        await backend.stop();
      }
    } finally {
      fs.rmSync(bundleDir, { recursive: true, force: true });
    }
  })().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
