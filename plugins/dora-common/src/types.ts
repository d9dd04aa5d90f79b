/**
 * The wire contract of the DORA backend (`/api/dora`). Every timestamp on the
 * wire is an ISO 8601 string; every duration is in milliseconds.
 */

/**
 * How an environment counts for the metrics. Only `production` counts towards
 * the four keys; the others are stored so that staging deployments can be
 * shown (and so that they demonstrably do not count).
 *
 * @public
 */
export type EnvironmentTier =
  | 'production'
  | 'staging'
  | 'development'
  | 'other';

/** @public */
export const ENVIRONMENT_TIERS: readonly EnvironmentTier[] = [
  'production',
  'staging',
  'development',
  'other',
];

/**
 * Why a deployment was made. `hotfix` and `rollback` are unplanned fixes: they
 * count towards rework rate and mark the deployment they remediate as failed.
 * A deployment event without a kind is `regular`, unless it is an inferred
 * rollback (see {@link DeploymentEvent.kind}).
 *
 * @public
 */
export type DeploymentKind = 'regular' | 'hotfix' | 'rollback';

/** @public */
export type DeploymentStatus = 'success' | 'failure';

/**
 * A finished deployment of one catalog component to one environment.
 * Modelled on Four Keys' `deployments` and Apache DevLake's deployment webhook.
 *
 * @public
 */
export interface DeploymentEvent {
  type: 'deployment';
  /** Unique per logical deployment; a retried delivery with the same key is stored once. */
  idempotencyKey: string;
  /** Catalog entity ref of a Component, e.g. `component:default/orders` (kind and namespace may be omitted). */
  service: string;
  /** Environment name as your CD tool calls it, e.g. `prod-eu`. */
  environment: string;
  /** Optional; otherwise derived from `dora.environments` config or the environment name. */
  environmentTier?: EnvironmentTier;
  status: DeploymentStatus;
  startedAt?: string;
  finishedAt: string;
  /** The commit that was deployed (head). */
  commitSha?: string;
  /** Every commit this deployment shipped for the first time or again (head included automatically). */
  commits?: string[];
  /**
   * Sent (`regular` included): taken as it is. Omitted: `regular`, unless
   * the deployment is an inferred rollback: a successful production-tier
   * deployment whose `commitSha` was first deployed to the same
   * environment before the commit of the deployment live there just before
   * it (by deployment history) is a `rollback` remediating that deployment.
   * Send `kind: 'regular'` to say a re-deployment of an older commit is not
   * a rollback.
   */
  kind?: DeploymentKind;
  /** For hotfix/rollback: idempotency key or external id of the deployment it remediates (same service). */
  remediates?: string;
  externalId?: string;
  /** Free text, e.g. `argocd`, `github-actions`; defaults to `api`. */
  source?: string;
}

/**
 * A commit on the way to production, optionally with its pull request.
 *
 * @public
 */
export interface ChangeEvent {
  type: 'change';
  idempotencyKey: string;
  service: string;
  commitSha: string;
  /** When the commit was authored. */
  authoredAt: string;
  firstPushedAt?: string;
  prNumber?: number;
  prOpenedAt?: string;
  mergedAt?: string;
  /**
   * True when the commit is a squash (or merge) commit that hides the branch
   * commits: lead time then starts at `prOpenedAt` instead of `authoredAt`.
   */
  squashMerge?: boolean;
  source?: string;
}

/**
 * An incident (production impairment) of one service. Send it again with the
 * same `externalId` and a new idempotency key when it is resolved.
 *
 * @public
 */
export interface IncidentEvent {
  type: 'incident';
  idempotencyKey: string;
  service: string;
  openedAt: string;
  resolvedAt?: string;
  /** Idempotency key or external id of the deployment that caused it (same service). */
  causedByDeployment?: string;
  externalId?: string;
  title?: string;
  source?: string;
}

/** @public */
export type DoraEvent = DeploymentEvent | ChangeEvent | IncidentEvent;

/**
 * Body of `POST /api/dora/events`.
 *
 * @public
 */
export interface IngestRequest {
  events: DoraEvent[];
}

/** @public */
export type IngestResultStatus = 'created' | 'duplicate' | 'updated';

/**
 * Response of `POST /api/dora/events`.
 *
 * @public
 */
export interface IngestResponse {
  created: number;
  duplicates: number;
  updated: number;
  results: Array<{ index: number; status: IngestResultStatus }>;
}

/**
 * How an incident was linked to the deployment that caused it, in order of
 * precedence.
 *
 * @public
 */
export type IncidentLinkMethod = 'explicit' | 'rollback' | 'window' | 'none';

/** @public */
export type DoraScope = 'org' | 'team' | 'service';

/**
 * A DORA performance level, or `insufficient-data` below the minimum sample.
 * `no-threshold` is used for rework rate, for which we know no published cut-offs.
 *
 * @public
 */
export type PerformanceLevel =
  | 'elite'
  | 'high'
  | 'medium'
  | 'low'
  | 'insufficient-data'
  | 'no-threshold';

/** @public */
export interface DeploymentFrequencyFigure {
  /** Successful production-tier deployments finished in the window. */
  deployments: number;
  /** Distinct UTC days with at least one such deployment. */
  deploymentDays: number;
  perDay: number;
  perWeek: number;
  level: PerformanceLevel;
}

/** @public */
export interface LeadTimeFigure {
  /** Commits whose first production deployment finished in the window. */
  changes: number;
  medianMs: number | null;
  p90Ms: number | null;
  /** Commits whose start fell back to the PR-open time (squash merges). */
  prOpenFallbacks: number;
  stages: {
    /** Start (authored, or PR open for squash) to PR opened. */
    codingMedianMs: number | null;
    /** PR opened to merged. */
    reviewMedianMs: number | null;
    /** Merged to first production deployment. */
    waitingToDeployMedianMs: number | null;
  };
  level: PerformanceLevel;
}

/** @public */
export interface ChangeFailureRateFigure {
  deployments: number;
  failed: number;
  /** failed / deployments, 0..1, null without deployments. */
  rate: number | null;
  byReason: { incident: number; rollback: number; hotfix: number };
  level: PerformanceLevel;
}

/** @public */
export interface RecoveryTimeFigure {
  /** Failed production deployments finished in the window. */
  failedDeployments: number;
  recovered: number;
  unrecovered: number;
  medianMs: number | null;
  /** Secondary figure: incidents opened in the window, open to resolve. */
  incidents: {
    opened: number;
    resolved: number;
    open: number;
    medianMs: number | null;
  };
  level: PerformanceLevel;
}

/** @public */
export interface ReworkRateFigure {
  deployments: number;
  /** Deployments of kind hotfix or rollback. */
  unplanned: number;
  rate: number | null;
  level: PerformanceLevel;
}

/** @public */
export interface DoraFigures {
  deploymentFrequency: DeploymentFrequencyFigure;
  leadTime: LeadTimeFigure;
  changeFailureRate: ChangeFailureRateFigure;
  recoveryTime: RecoveryTimeFigure;
  reworkRate: ReworkRateFigure;
}

/** @public */
export type TrendDirection = 'better' | 'worse' | 'same' | 'unknown';

/** @public */
export interface DoraTrend {
  deploymentFrequency: TrendDirection;
  leadTime: TrendDirection;
  changeFailureRate: TrendDirection;
  recoveryTime: TrendDirection;
  reworkRate: TrendDirection;
}

/** @public */
export interface DoraWeek {
  /** Start of the 7-day bucket (counted from the window's `from`). */
  weekStart: string;
  deployments: number;
  failedDeployments: number;
  leadTimeMedianMs: number | null;
}

/**
 * What the figures count: by default the deployments to every
 * production-tier environment (`{ tiers: ['production'] }`); with the
 * `environment` query parameter, the deployments to that one environment,
 * whatever its tier.
 *
 * @public
 */
export type DoraTarget = { tiers: EnvironmentTier[] } | { environment: string };

/**
 * Response of `GET /api/dora/metrics`.
 *
 * @public
 */
export interface DoraMetricsResponse {
  scope: DoraScope;
  ref?: string;
  /** The environments the figures count. */
  target: DoraTarget;
  /** Owner refs the figures were computed over (team scope: the team and its descendants). */
  owners?: string[];
  window: { from: string; to: string };
  previousWindow: { from: string; to: string };
  current: DoraFigures;
  /**
   * The previous window's headline figures, for the tiles' trends: its
   * lead-time p90 and stage medians are not computed (null).
   */
  previous: DoraFigures;
  trend: DoraTrend;
  weekly: DoraWeek[];
  thresholds: { version: string; source: string };
}

/**
 * A stored deployment, as listed by `GET /api/dora/deployments`.
 *
 * @public
 */
export interface DoraDeploymentRow {
  id: string;
  idempotencyKey: string;
  service: string;
  /** Owner at deploy time. */
  owner: string | null;
  environment: string;
  environmentTier: EnvironmentTier;
  status: DeploymentStatus;
  kind: DeploymentKind;
  /**
   * True when `kind` is `rollback` because the event sent no kind and the
   * deployment went back to an older commit (an inferred rollback), false
   * when the kind is the one sent (or `regular` by default).
   */
  rollbackInferred: boolean;
  startedAt: string | null;
  finishedAt: string;
  commitSha: string | null;
  source: string;
  externalId: string | null;
  /** Counted as a failed change (linked incident, rollback or hotfix). */
  failed: boolean;
}

/**
 * A stored change, as listed by `GET /api/dora/changes` (deployed ones only).
 *
 * @public
 */
export interface DoraChangeRow {
  id: string;
  service: string;
  owner: string | null;
  commitSha: string;
  prNumber: number | null;
  authoredAt: string;
  firstPushedAt: string | null;
  prOpenedAt: string | null;
  mergedAt: string | null;
  squashMerge: boolean;
  deploymentId: string | null;
  deployedAt: string | null;
}

/**
 * A stored incident, as listed by `GET /api/dora/incidents`.
 *
 * @public
 */
export interface DoraIncidentRow {
  id: string;
  service: string;
  owner: string | null;
  openedAt: string;
  resolvedAt: string | null;
  causedByDeploymentId: string | null;
  linkMethod: IncidentLinkMethod;
  externalId: string | null;
  title: string | null;
}

/**
 * Response of `GET /api/dora/data-quality`.
 *
 * @public
 */
export interface DoraDataQualityResponse {
  window: { from: string; to: string };
  /** The environments the counts look at (unlinked incidents excepted). */
  target: DoraTarget;
  /** Successful production deployments without any known change. */
  deploymentsWithoutChanges: number;
  /** Commits of production deployments for which no change event arrived. */
  unknownCommits: number;
  /** Incidents not linked to any deployment. */
  unlinkedIncidents: number;
  /** Changes authored in the window not (yet) in a production deployment. */
  undeployedChanges: number;
  /**
   * Production deployments counted as rollbacks because they went back to
   * an older commit, their events sending no kind (inferred, not declared).
   */
  inferredRollbacks: number;
}

/**
 * Response of the list endpoints (`/deployments`, `/changes`, `/incidents`).
 *
 * @public
 */
export interface DoraListResponse<T> {
  items: T[];
  /** True when `limit` cut the list. */
  truncated: boolean;
}

/**
 * An environment the scope has deployed to, as listed by
 * `GET /api/dora/environments`.
 *
 * @public
 */
export interface DoraEnvironment {
  /** The environment name deployments were sent with, e.g. `production-eu`. */
  name: string;
  /** Tier of its latest successful deployment. */
  tier: EnvironmentTier;
  /** Successful deployments of the scope to it, all time. */
  deployments: number;
  /** Finish of the latest of them. */
  lastDeployedAt: string;
}

/**
 * Response of `GET /api/dora/environments`: production tier first, then
 * staging, development and other, each by name.
 *
 * @public
 */
export interface DoraEnvironmentsResponse {
  items: DoraEnvironment[];
}
