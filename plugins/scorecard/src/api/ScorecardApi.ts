import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  CheckDefinition,
  CheckState,
  CreateWaiverRequest,
  EntityHistoryResponse,
  EntityScoreListResponse,
  EntityScorecardResponse,
  LevelDefinition,
  TeamRollupResponse,
  Waiver,
  OrganisationTrendResponse,
} from '@internal/plugin-scorecard-common';

/**
 * An entity, either as an entity ref string (`component:default/orders`) or
 * as its parts.
 *
 * @public
 */
export type ScorecardEntityRef = string | CompoundEntityRef;

/**
 * Filters and paging of `GET /entities`. Lists are OR-ed within a filter and
 * AND-ed across filters by the backend.
 *
 * @public
 */
export interface ScorecardListQuery {
  /** Owner entity refs (`group:default/payments`; kind and namespace default to group/default). */
  owner?: string[];
  kind?: string[];
  /** Level ids, e.g. `bronze`. */
  level?: string[];
  /** Only entities failing this check id. */
  check?: string;
  /** Only entities failing (true) or not failing (false) a critical check. */
  criticalFailing?: boolean;
  orderBy?: 'score' | 'name';
  order?: 'asc' | 'desc';
  /** 1–500; the backend defaults to 50. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * `GET /checks`: the checks and levels in force.
 *
 * @public
 */
export interface ScorecardChecksResponse {
  source?: string;
  loadedAt?: string;
  checks: CheckDefinition[];
  levels: LevelDefinition[];
  states?: CheckState[];
  formula: string;
  /** Set when the last reload of the checks file failed; the last valid set keeps serving. */
  reloadError?: { message: string; at: string };
}

/**
 * Client of the scorecard backend (`/api/scorecard`).
 *
 * @public
 */
export interface ScorecardApi {
  /**
   * One entity's score, level and checks; `undefined` when the entity has
   * never been evaluated (or is not in the catalog).
   */
  getEntityScorecard(
    entity: ScorecardEntityRef,
  ): Promise<EntityScorecardResponse | undefined>;
  /** Daily score snapshots and check state changes; `undefined` when never evaluated. */
  getEntityHistory(
    entity: ScorecardEntityRef,
    options?: { days?: number },
  ): Promise<EntityHistoryResponse | undefined>;
  /** The organisation's mean score per day. */
  getOrganisationTrend(options?: {
    days?: number;
  }): Promise<OrganisationTrendResponse>;
  /** Evaluates the entity now and returns its new scorecard. */
  evaluateEntity(entity: ScorecardEntityRef): Promise<EntityScorecardResponse>;
  /** The overview, worst first by default, one page at a time. */
  listEntities(query?: ScorecardListQuery): Promise<EntityScoreListResponse>;
  /** Per-owner totals, rolled up through the group hierarchy. */
  getTeams(options?: { hierarchy?: boolean }): Promise<TeamRollupResponse>;
  /** The checks and levels in force. */
  getChecks(): Promise<ScorecardChecksResponse>;
  /** Grants a waiver (exemption) of one check for one entity. */
  createWaiver(request: CreateWaiverRequest): Promise<Waiver>;
}

/** @public */
export const scorecardApiRef = createApiRef<ScorecardApi>().with({
  id: 'plugin.scorecard.service',
  pluginId: 'scorecard',
});
