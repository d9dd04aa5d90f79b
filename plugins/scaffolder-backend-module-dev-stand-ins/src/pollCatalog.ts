import { setTimeout as sleep } from 'node:timers/promises';
import { MINUTE_MS } from '@internal/paved-road-common';

/** How often the catalog is asked for what is new. */
const POLL_MS = 2_000;
/** Polls in a row with nothing new after which the catalog counts as loaded. */
const QUIET_POLLS = 3;
/** Gives up if the catalog stays empty (or what is fed from it fails) this long. */
export const CATALOG_POLL_DEADLINE_MS = 5 * MINUTE_MS;

/**
 * How the polling ended: the catalog is loaded (three polls in a row found
 * nothing new after one that found something), the signal aborted, or five
 * minutes passed first.
 */
export type PollOutcome = 'loaded' | 'aborted' | 'deadline';

/**
 * Asks the catalog every 2 s through `poll`, for the stand-ins that seed
 * from it: the catalog loads its file locations after start-up.
 *
 * `poll` resolves with how many new things it found (and handled). An error
 * it throws ends the polling, thrown on, unless `onError` returns for it:
 * then that poll counts neither as new nor as quiet, and the next one comes.
 * Once the signal has aborted, nothing is thrown and nothing more asked.
 */
export async function pollCatalogUntilQuiet(options: {
  poll: () => Promise<number>;
  signal: AbortSignal;
  onError?: (error: unknown) => void;
}): Promise<PollOutcome> {
  const { poll, signal, onError } = options;
  const deadline = Date.now() + CATALOG_POLL_DEADLINE_MS;
  let found = 0;
  let quiet = 0;
  for (;;) {
    try {
      const added = await poll();
      if (added > 0) {
        found += added;
        quiet = 0;
      } else if (found > 0 && ++quiet >= QUIET_POLLS) {
        return 'loaded';
      }
    } catch (error) {
      if (signal.aborted) return 'aborted';
      if (!onError) throw error;
      onError(error);
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => {});
    if (signal.aborted) return 'aborted';
    if (Date.now() >= deadline) return 'deadline';
  }
}
