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
    },
  ) {}

  /**
   * Asks for a refresh and returns at once. Requests while one runs fold
   * into a single further run, so a burst of batches costs two refreshes.
   */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runWhileAsked().finally(() => {
      this.running = undefined;
    });
  }

  /** Refreshes now and waits for it (the scheduled task). */
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
