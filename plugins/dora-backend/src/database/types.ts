import {
  DoraChangeRow,
  DoraDeploymentRow,
  DoraEnvironment,
  DoraIncidentRow,
  DeploymentKind,
  DeploymentStatus,
  EnvironmentTier,
  IngestResponse,
} from '@internal/plugin-dora-common';

/** A deployment event after validation and catalog resolution. */
export interface NewDeployment {
  /** Position of the event in the request, for error messages. */
  index: number;
  idempotencyKey: string;
  serviceRef: string;
  ownerRef: string | null;
  environment: string;
  environmentTier: EnvironmentTier;
  status: DeploymentStatus;
  kind: DeploymentKind;
  /** The event sent `kind`; else `kind` is 'regular' until inferred. */
  kindDeclared: boolean;
  remediates?: string;
  startedAt: number | null;
  finishedAt: number;
  commitSha: string | null;
  commits: string[];
  source: string;
  externalId: string | null;
}

export interface NewChange {
  index: number;
  idempotencyKey: string;
  serviceRef: string;
  commitSha: string;
  prNumber: number | null;
  authoredAt: number;
  firstPushedAt: number | null;
  prOpenedAt: number | null;
  mergedAt: number | null;
  squashMerge: boolean;
  source: string;
}

export interface NewIncident {
  index: number;
  idempotencyKey: string;
  serviceRef: string;
  ownerRef: string | null;
  openedAt: number;
  resolvedAt: number | null;
  causedByDeployment?: string;
  externalId: string | null;
  title: string | null;
  source: string;
}

export interface IngestBatch {
  deployments: NewDeployment[];
  changes: NewChange[];
  incidents: NewIncident[];
}

export interface IngestOptions {
  /** Webhook delivery id: the batch is skipped when it was seen before. */
  delivery?: { id: string; event: string };
  /** Window for linking an incident to the latest production deployment. */
  incidentLinkWindowMs: number;
  now?: number;
}

export type IngestResult =
  | ({ replay: false } & IngestResponse)
  | { replay: true };

/** Which rows the metric queries look at. */
export interface MetricsFilter {
  /** Only these services (entity refs). */
  serviceRefs?: string[];
  /** Only rows owned (at deploy/ingestion time) by these owners. */
  ownerRefs?: string[];
  /**
   * Count the deployments to this environment (by name, any tier) instead of
   * those to production-tier environments. Served from the environment's
   * own rollups (whole-day windows), like the default target.
   */
  environment?: string;
  /** Inclusive start, epoch ms. */
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
}

/** Successful production deployments of a window, by outcome. */
export interface DeploymentCounts {
  deployments: number;
  deploymentDays: number;
  unplanned: number;
  failed: number;
  failedByIncident: number;
  failedByRollback: number;
  failedByHotfix: number;
}

/** Raw numbers from the database; levels and medians are added by the caller. */
export interface RawFigures extends DeploymentCounts {
  changes: Array<{
    authoredAt: number;
    prOpenedAt: number | null;
    mergedAt: number | null;
    squashMerge: boolean;
    deployedAt: number;
  }>;
  failedDeployments: Array<{
    finishedAt: number;
    /** null while not recovered. */
    recoveredAt: number | null;
  }>;
  incidents: Array<{ openedAt: number; resolvedAt: number | null }>;
  /** 7-day buckets from `from`. */
  weekly: Array<{ week: number; deployments: number; failed: number }>;
}

/**
 * The figures of one window, percentiles included: what the metrics are
 * computed from. The fast path reads it from the rollups; the raw path
 * derives it from RawFigures. Both must agree exactly.
 */
export interface WindowSummary extends DeploymentCounts {
  /** Failed deployments that recovered, and the median recovery time. */
  recovered: number;
  recoveryMedianMs: number | null;
  /** Changes whose first production deployment finished in the window. */
  changes: number;
  prOpenFallbacks: number;
  leadMedianMs: number | null;
  leadP90Ms: number | null;
  codingMedianMs: number | null;
  reviewMedianMs: number | null;
  waitingMedianMs: number | null;
  incidentsOpened: number;
  incidentsResolved: number;
  incidentMedianMs: number | null;
  /** 7-day buckets from `from` (empty unless asked for). */
  weekly: Array<{
    deployments: number;
    failed: number;
    leadMedianMs: number | null;
  }>;
}

export interface SummaryOptions {
  /** Weekly buckets from `from`. */
  weekly: boolean;
  /**
   * Only the headline figures: the lead-time p90 and the stage medians are
   * not computed (null). The previous window of GET /metrics asks for this:
   * its figures only serve the tiles' "previous" values and trends.
   */
  headline?: boolean;
}

/** Figures a headline summary leaves out (null). */
export const DETAIL_FIGURES = [
  'leadP90Ms',
  'codingMedianMs',
  'reviewMedianMs',
  'waitingMedianMs',
] as const;

/** Progress of the GitHub backfill of one repository and resource. */
export interface BackfillCursor {
  /** Items older than this (epoch ms) were fully processed. */
  since: number | null;
  /** Page to fetch next in an unfinished pass. */
  nextPage: number | null;
  /** Newest item (epoch ms) seen in the current pass. */
  passNewest: number | null;
}

export interface DataQualityCounts {
  /** Successful production deployments in the window without a known change. */
  deploymentsWithoutChanges: number;
  /** Commits of those deployments for which no change event arrived. */
  unknownCommits: number;
  /** Incidents opened in the window not linked to any deployment. */
  unlinkedIncidents: number;
  /** Changes authored in the window not (yet) in a production deployment. */
  undeployedChanges: number;
  /** Successful deployments to the target in the window: inferred rollbacks. */
  inferredRollbacks: number;
}

/** Whose rows, without a window. */
export type ScopeFilter = Pick<MetricsFilter, 'serviceRefs' | 'ownerRefs'>;

export interface DoraStore {
  /** Environments with successful deployments in the scope, all time. */
  environments(filter: ScopeFilter): Promise<DoraEnvironment[]>;
  dataQuality(filter: MetricsFilter): Promise<DataQualityCounts>;
  listDeployments(
    filter: MetricsFilter,
    limit: number,
  ): Promise<DoraDeploymentRow[]>;
  listChanges(filter: MetricsFilter, limit: number): Promise<DoraChangeRow[]>;
  listIncidents(
    filter: MetricsFilter,
    limit: number,
  ): Promise<DoraIncidentRow[]>;
  ingest(batch: IngestBatch, options: IngestOptions): Promise<IngestResult>;
  rawFigures(filter: MetricsFilter): Promise<RawFigures>;
  /** The window's figures (weekly buckets too when asked). */
  summary(
    filter: MetricsFilter,
    options: SummaryOptions,
  ): Promise<WindowSummary>;
  /**
   * Recomputes the deployment rollups of the days ingestion marked stale
   * (in the background: reads do not need it to be exact).
   */
  refreshStaleRollups(): Promise<void>;
  /** Recomputes every rollup from the raw rows (the migration's backfill). */
  rebuildRollups(): Promise<void>;
}

/** Where the GitHub backfill keeps its progress (dora_backfill_cursors). */
export interface BackfillCursors {
  getCursor(repo: string, resource: string): Promise<BackfillCursor>;
  saveCursor(
    repo: string,
    resource: string,
    cursor: BackfillCursor,
  ): Promise<void>;
}
