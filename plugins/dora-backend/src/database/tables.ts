/*
 * Rows of the plugin's tables as the database returns them (columns from
 * migrations/*.js). PostgreSQL returns bigint columns, COUNT and SUM as
 * strings, SQLite as numbers; booleans are 0/1 on SQLite. Conversion to the
 * store's and the API's types is in conversion.ts.
 */
import {
  DeploymentKind,
  DeploymentStatus,
  EnvironmentTier,
  IncidentLinkMethod,
} from '@internal/plugin-dora-common';

/** A bigint column (epoch ms, ids): a string on PostgreSQL. */
export type DbBigInt = string | number;
/** A boolean column: 0/1 on SQLite. */
export type DbBoolean = boolean | number;
/** COUNT, SUM and other aggregates: strings on PostgreSQL; SUM of no rows is null. */
export type DbAggregate = string | number | null;

/** dora_deployments */
export interface DbDeploymentRow {
  id: DbBigInt;
  idempotency_key: string;
  service_ref: string;
  owner_ref: string | null;
  environment: string;
  environment_tier: EnvironmentTier;
  status: DeploymentStatus;
  /** The kind that counts: as sent, else inferred (see rollback_inferred). */
  kind: DeploymentKind;
  /** The deployment a hotfix or rollback remediates (sent or inferred). */
  remediates_deployment_id: DbBigInt | null;
  /** The event sent a kind (kept as it is); else it is inferred. */
  kind_declared: DbBoolean;
  /** An inferred rollback: kind and remediates were set from the history. */
  rollback_inferred: DbBoolean;
  started_at: DbBigInt | null;
  finished_at: DbBigInt;
  commit_sha: string | null;
  source: string;
  external_id: string | null;
  created_at: DbBigInt;
  /** Flags and recovery for the default target (production tiers). */
  failed_by_incident: number;
  failed_by_rollback: number;
  failed_by_hotfix: number;
  recovered_at: DbBigInt | null;
  recovery_ms: DbBigInt | null;
  /** Flags and recovery within the deployment's own environment. */
  env_failed_by_incident: number;
  env_failed_by_rollback: number;
  env_failed_by_hotfix: number;
  env_recovered_at: DbBigInt | null;
  env_recovery_ms: DbBigInt | null;
}

/** dora_deployment_commits */
export interface DbDeploymentCommitRow {
  deployment_id: DbBigInt;
  service_ref: string;
  commit_sha: string;
}

/** The duration and bucket columns of a change, per metric. */
export interface DbChangeDurations {
  /** 1 when deployed and lead time starts at PR open (squash merge). */
  fallback: number;
  lead_ms: DbBigInt | null;
  lead_bucket: number | null;
  coding_ms: DbBigInt | null;
  coding_bucket: number | null;
  review_ms: DbBigInt | null;
  review_bucket: number | null;
  waiting_ms: DbBigInt | null;
  waiting_bucket: number | null;
}

/** dora_changes */
export interface DbChangeRow extends DbChangeDurations {
  id: DbBigInt;
  idempotency_key: string;
  service_ref: string;
  commit_sha: string;
  pr_number: number | null;
  authored_at: DbBigInt;
  first_pushed_at: DbBigInt | null;
  pr_opened_at: DbBigInt | null;
  merged_at: DbBigInt | null;
  squash_merge: DbBoolean;
  /** First successful production-tier deployment, its finish and owner. */
  deployment_id: DbBigInt | null;
  deployed_at: DbBigInt | null;
  owner_ref: string | null;
  source: string;
  created_at: DbBigInt;
}

/** dora_change_environments: a change's first deployment to an environment. */
export interface DbChangeEnvironmentRow extends DbChangeDurations {
  change_id: DbBigInt;
  environment: string;
  service_ref: string;
  commit_sha: string;
  deployment_id: DbBigInt;
  deployed_at: DbBigInt;
  owner_ref: string | null;
  authored_at: DbBigInt;
  pr_opened_at: DbBigInt | null;
  merged_at: DbBigInt | null;
  squash_merge: DbBoolean;
}

/** dora_incidents */
export interface DbIncidentRow {
  id: DbBigInt;
  idempotency_key: string;
  service_ref: string;
  owner_ref: string | null;
  opened_at: DbBigInt;
  resolved_at: DbBigInt | null;
  caused_by_deployment_id: DbBigInt | null;
  /** The environment of caused_by_deployment_id, kept for the reads. */
  caused_by_environment: string | null;
  link_method: IncidentLinkMethod;
  external_id: string | null;
  title: string | null;
  source: string;
  created_at: DbBigInt;
}

/** dora_webhook_deliveries */
export interface DbWebhookDeliveryRow {
  delivery_id: string;
  event: string;
  received_at: DbBigInt;
}

/** dora_backfill_cursors */
export interface DbBackfillCursorRow {
  repo: string;
  resource: string;
  since: DbBigInt | null;
  next_page: number | null;
  pass_newest: DbBigInt | null;
  updated_at: DbBigInt;
}

/** dora_rollup_dirty_days */
export interface DbRollupDirtyDayRow {
  id: DbBigInt;
  day: number;
}

/** dora_pending_backfills */
export interface DbPendingBackfillRow {
  name: string;
}

/**
 * dora_rollup_deployment_days, and dora_env_deployment_days (with the
 * environment): counts of one scope and UTC day.
 */
export interface DbDeploymentDayRow {
  environment?: string;
  scope_kind: string;
  scope_ref: string;
  day: number;
  deployments: number;
  unplanned: number;
  failed: number;
  by_incident: number;
  by_rollback: number;
  by_hotfix: number;
  recovered: number;
}

/**
 * Sums of deployment counts over a window, from the day rollups or the raw
 * deployments, named as the rollup's columns (no row: all missing).
 */
export interface DbDeploymentSums {
  deployments: DbAggregate;
  deployment_days: DbAggregate;
  unplanned: DbAggregate;
  failed: DbAggregate;
  by_incident: DbAggregate;
  by_rollback: DbAggregate;
  by_hotfix: DbAggregate;
  /** Only the rollups count recovered deployments. */
  recovered?: DbAggregate;
}

/**
 * dora_rollup_change_days, and dora_env_change_days (with the environment).
 */
export interface DbChangeDayRow {
  environment?: string;
  scope_kind: string;
  scope_ref: string;
  metric: string;
  level: number;
  bucket: number;
  day: number;
  n: number;
}
