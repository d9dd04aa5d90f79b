import { LoggerService } from '@backstage/backend-plugin-api';
import { DoraStore } from '../database/types';

/**
 * Folds the deployment rollups that ingestion made stale, off the request
 * path: soon after each stored batch, and on the scheduler (batches another
 * replica stored, a refresh that failed). Reads never wait for it: until it
 * has run they compute the stale days from the raw rows.
 */
export class RollupRefresher {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly options: {
      store: Pick<DoraStore, 'refreshStaleRollups'>;
      logger: LoggerService;
      /**
       * How long a request waits before the refresh starts (default 2 s):
       * batches arriving meanwhile fold into that one run. Reads are exact
       * without it; each run rebuilds whole days, so fewer runs leave the
       * cores to reads and writes.
       */
      delayMs?: number;
    },
  ) {}

  /**
   * Asks for a refresh and returns at once. Requests before it starts, or
   * while one runs, fold into one further run.
   */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    const delayMs = this.options.delayMs ?? 2_000;
    this.running = new Promise<void>(resolve => setTimeout(resolve, delayMs))
      .then(() => this.runWhileAsked())
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Refreshes and waits for it (the scheduled task). */
  async refresh(): Promise<void> {
    this.request();
    await this.idle();
  }

  /** Resolves when no refresh runs (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.running) {
      await this.running;
    }
  }

  private async runWhileAsked() {
    do {
      this.again = false;
      try {
        await this.options.store.refreshStaleRollups();
      } catch (error) {
        // The stale days stay marked: reads stay exact, the next run folds them.
        this.options.logger.warn(
          `DORA rollup refresh failed, the next run retries: ${error}`,
        );
      }
    } while (this.again);
  }
}
