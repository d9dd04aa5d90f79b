import {
  CheckDefinition,
  CheckResult,
  CheckState,
  EntityScore,
  LevelDefinition,
} from './types';

/**
 * The API contract of the scorecard backend (mounted at `/api/scorecard`).
 */

/** One row of `GET /entities`. @public */
export interface EntityScoreSummary extends EntityScore {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  owner: string | null;
  /** Ids of the checks in state `fail`. */
  failingChecks: string[];
  evaluatedAt: string;
}

/** `GET /entities` response. @public */
export interface EntityScoreListResponse {
  items: EntityScoreSummary[];
  totalItems: number;
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
  formula: string;
}

/** One check in `GET /entities/:kind/:namespace/:name`. @public */
export interface EntityCheckView extends CheckResult {
  title: string;
  description?: string;
  weight: CheckDefinition['weight'];
  remediation?: CheckDefinition['remediation'];
  enforcedFrom?: string;
  waiver?: Waiver;
}

/** `GET /entities/:kind/:namespace/:name` response. @public */
export interface EntityScorecardResponse extends EntityScoreSummary {
  formula: string;
  levels: LevelDefinition[];
  checks: EntityCheckView[];
}

/** A check state change (history row). @public */
export interface CheckStateChange {
  checkId: string;
  state: CheckState;
  previousState: CheckState | null;
  reason: string;
  changedAt: string;
}

/** A daily score snapshot. @public */
export interface ScoreSnapshot {
  day: string;
  score: number | null;
  level: string | null;
  criticalFailing: boolean;
}

/** `GET /entities/:kind/:namespace/:name/history` response. @public */
export interface EntityHistoryResponse {
  entityRef: string;
  snapshots: ScoreSnapshot[];
  changes: CheckStateChange[];
}

/**
 * One day of the organisation's score: the mean of that day's entity
 * snapshots, as a snapshot (so the same sparkline draws it), with counts.
 * @public
 */
export interface OrganisationTrendDay extends ScoreSnapshot {
  entityCount: number;
  criticalFailingCount: number;
}

/** `GET /trend` response. @public */
export interface OrganisationTrendResponse {
  days: OrganisationTrendDay[];
}

/** Totals over a set of entities. @public */
export interface ScoreTotals {
  entityCount: number;
  /** Entities that have a score (something applies to them). */
  scoredCount: number;
  /** Mean score of the scored entities, or null. */
  averageScore: number | null;
  criticalFailingCount: number;
  /** Failing entities per check id (the team's worst checks). */
  failingChecks: Record<string, number>;
}

/**
 * One row of `GET /teams`: an owner with the totals of the entities it owns
 * directly (`direct`) and, following the group hierarchy (`spec.parent`),
 * of those its sub-teams own too (the top-level fields).
 *
 * @public
 */
export interface TeamRollup extends ScoreTotals {
  owner: string;
  title?: string;
  /** Parent group, when the owner is a group with one. */
  parent: string | null;
  direct: ScoreTotals;
}

/** `GET /teams` response. @public */
export interface TeamRollupResponse {
  items: TeamRollup[];
  formula: string;
}

/**
 * A waiver (exemption) of one check for one entity: granted through the API
 * (`source: 'api'`) or declared in the entity's catalog-info.yaml with the
 * `paved-road.io/scorecard-exemptions` annotation (`source: 'catalog'`).
 *
 * @public
 */
export interface Waiver {
  id: string;
  source?: 'api' | 'catalog';
  entityRef: string;
  checkId: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
}

/** `POST /waivers` body. @public */
export interface CreateWaiverRequest {
  entityRef: string;
  checkId: string;
  reason: string;
  /** ISO timestamp in the future. */
  expiresAt: string;
}

/** One entity whose state would change in `POST /checks/dry-run`. @public */
export interface DryRunChange {
  entityRef: string;
  checkId: string;
  /** Current stored state, or null if the check is new for this entity. */
  from: CheckState | null;
  to: CheckState;
  reason: string;
}

/** `POST /checks/dry-run` response. @public */
export interface DryRunResponse {
  evaluatedEntities: number;
  checks: string[];
  changes: DryRunChange[];
  /** Count per check and state of the dry-run results. */
  summary: Record<string, Partial<Record<CheckState, number>>>;
}
