import { LoggerService } from '@backstage/backend-plugin-api';
import { DAY_MS } from '@internal/paved-road-common';
import type { ScorecardPastView } from '@internal/plugin-scorecard-node';
import { ScorecardStore } from '../database/ScorecardStore';
import { Evaluator } from './Evaluator';

/**
 * Gives a database without history the history a registered past view
 * describes (see `scorecardHistoryExtensionPoint`), before the scheduled
 * evaluation writes today's.
 *
 * The full evaluation task calls {@link HistoryReplay.run} before each run:
 * the first call replays, the others return at once. That task runs on one
 * replica at a time (the scheduler's lock), and the replay only happens while
 * the store holds no history older than today, so neither a restart nor
 * another replica replays again. The change task asks
 * {@link HistoryReplay.settled} and waits its turn: today's rows written
 * before the past's would make the past look like the latest state.
 */
export class HistoryReplay {
  private state: 'pending' | 'running' | 'done' = 'pending';
  private replaying?: Promise<void>;

  constructor(
    private readonly options: {
      evaluator: Pick<Evaluator, 'evaluatePast'>;
      store: Pick<ScorecardStore, 'hasHistoryBefore'>;
      view: ScorecardPastView;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  /**
   * Replays the past view's days unless the store already holds history
   * older than today; once per process (later calls wait for the first one,
   * then return). Never throws: a failed replay is logged and not retried,
   * and the normal evaluation goes on.
   */
  run(): Promise<void> {
    this.replaying ??= this.replay().finally(() => {
      this.state = 'done';
    });
    return this.replaying;
  }

  /**
   * Whether evaluating today may go ahead: no replay is running here, and
   * one has run here or the store holds history older than today (written by
   * a replay on another replica or an earlier start, or by the days since).
   */
  async settled(): Promise<boolean> {
    if (this.state !== 'pending') {
      return this.state === 'done';
    }
    return this.options.store.hasHistoryBefore(this.now());
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async replay(): Promise<void> {
    this.state = 'running';
    const { evaluator, store, view, logger } = this.options;
    try {
      const now = this.now();
      if (await store.hasHistoryBefore(now)) {
        logger.info(
          'Scorecard history: the database holds history older than today, nothing replayed',
        );
        return;
      }
      const count = Math.max(0, Math.floor(view.days));
      // Today minus `count` days to yesterday, at the time of day of now.
      const days = Array.from(
        { length: count },
        (_, i) => new Date(now.getTime() - (count - i) * DAY_MS),
      );
      if (days.length === 0) {
        return;
      }
      logger.info(
        `Scorecard history: replaying ${count} days (from ${days[0]
          .toISOString()
          .slice(0, 10)}) from a past view of the catalog`,
      );
      const summary = await evaluator.evaluatePast(days, (entity, day) =>
        view.entityAsOf(entity, day),
      );
      logger.info(
        `Scorecard history: ${summary.days} days replayed, ${summary.evaluations} evaluations stored in ${summary.durationMs} ms`,
      );
    } catch (error) {
      // Not retried: today's evaluation follows, and a replay after it (or
      // over the part already stored) would put the past after the present.
      logger.error(`Scorecard history not replayed: ${error}`);
    }
  }
}
