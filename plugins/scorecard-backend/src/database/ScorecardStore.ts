import {
  CheckResult,
  CheckState,
  CheckStateChange,
  CheckWeight,
  EntityScore,
  EntityScoreSummary,
  OrganisationTrendDay,
  ScoreSnapshot,
  ScoreTotals,
  Waiver,
} from '@internal/plugin-scorecard-common';

/** The outcome of evaluating every check for one entity, ready to store. */
export interface EntityEvaluation {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  owner: string | null;
  entityHash?: string;
  score: EntityScore;
  results: Array<CheckResult & { weight: CheckWeight }>;
  evaluatedAt: Date;
}

export interface ListEntitiesQuery {
  owner?: string[];
  kind?: string[];
  level?: string[];
  /** Entities failing this check. */
  check?: string;
  criticalFailing?: boolean;
  orderBy: 'score' | 'name';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** A stored check result. */
export type StoredCheckResult = CheckResult & { stateSince: string };

export interface ScorecardStore {
  /**
   * Stores evaluations: replaces the current state of each check, appends a
   * history row only for checks whose state changed, updates the entity score
   * and upserts today's snapshot.
   */
  saveEvaluations(evaluations: EntityEvaluation[]): Promise<void>;

  getEntityScore(entityRef: string): Promise<EntityScoreSummary | undefined>;
  getCheckResults(entityRef: string): Promise<StoredCheckResult[]>;
  /** Current states for a set of entities, by entity ref then check id. */
  getCurrentStates(
    entityRefs: string[],
  ): Promise<Map<string, Map<string, CheckState>>>;
  /** Entity refs and hashes of every stored entity. */
  getEntityHashes(): Promise<Map<string, string | null>>;

  listEntityScores(
    query: ListEntitiesQuery,
  ): Promise<{ items: EntityScoreSummary[]; totalItems: number }>;
  /** Totals per owner of the entities it owns directly. */
  listOwnerTotals(): Promise<Array<ScoreTotals & { owner: string }>>;
  getHistory(
    entityRef: string,
    options: { since: Date },
  ): Promise<{ snapshots: ScoreSnapshot[]; changes: CheckStateChange[] }>;

  /** The organisation's score per day: the mean of the daily snapshots. */
  getOrganisationTrend(options: {
    since: Date;
  }): Promise<OrganisationTrendDay[]>;

  /**
   * Whether any entity has a score snapshot of a UTC day before `day`'s
   * (history older than that day).
   */
  hasHistoryBefore(day: Date): Promise<boolean>;

  /** Removes every row of the given entities. */
  removeEntities(entityRefs: string[]): Promise<void>;

  createWaiver(waiver: Omit<Waiver, 'id' | 'createdAt'>): Promise<Waiver>;
  /** Unexpired waivers of the given entities, by entity ref then check id. */
  getActiveWaivers(
    entityRefs: string[],
    now: Date,
  ): Promise<Map<string, Map<string, Waiver>>>;
}
