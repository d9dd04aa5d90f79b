import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';

/**
 * What the catalog looked like on days before the scorecard was evaluated,
 * for the scorecard to replay: a module that knows the past registers one
 * through {@link scorecardHistoryExtensionPoint}.
 *
 * The scorecard runs its real evaluator over each past day, oldest first, on
 * the entities this view returns, with the evaluation clock set to that day
 * (so dates in the checks, such as `enforcedFrom`, and waivers apply as they
 * did then), and stores the results as any evaluation: one score snapshot per
 * entity and day, and a history row where a check changed state. Nobody is
 * notified. Facts from other systems (TechDocs, GitHub CI runs) have no past
 * to ask: they are today's.
 *
 * @public
 */
export interface ScorecardPastView {
  /**
   * How many days before today to replay, e.g. 120: the replay evaluates
   * `days` days, from today minus `days` to yesterday. Today is the
   * scheduled evaluation's.
   */
  days: number;

  /**
   * The entity as it was at `day`, or `undefined` when it did not exist yet.
   *
   * `entity` is the entity as the catalog serves it today, in full: an
   * entity the scorecard evaluates, or one such an entity depends on (a
   * database whose backups a check reads). `day` is the moment the replayed
   * evaluation takes place: a whole number of days before the replay
   * started, at the same time of day. Return a new object (never change
   * `entity`) with the same kind, namespace and name; return `entity` itself
   * for no change. Called many times per day: keep it fast and
   * deterministic.
   */
  entityAsOf(entity: Entity, day: Date): Entity | undefined;
}

/**
 * Lets a backend module give the scorecard a past to replay.
 *
 * @public
 */
export interface ScorecardHistoryExtensionPoint {
  /**
   * Registers the view of the past the scorecard replays at start. Replayed
   * once, in the background on the scheduler, and only while the
   * scorecard's database holds no history older than today (a restart or
   * another replica does not replay again). At most one view per backend.
   */
  setPastView(view: ScorecardPastView): void;
}

/**
 * The scorecard backend's extension point for a past view of the catalog
 * (see {@link ScorecardPastView}): a development aid that gives a fresh
 * database history long enough for trends, produced by the real evaluator.
 *
 * @public
 */
export const scorecardHistoryExtensionPoint =
  createExtensionPoint<ScorecardHistoryExtensionPoint>({
    id: 'scorecard.history',
  });
