/*
 * Conversions between the database's rows (tables.ts) and the store's and
 * the API's types, in one place. PostgreSQL returns bigint, COUNT and SUM
 * as strings, SQLite as numbers; timestamps are epoch ms in the database
 * and ISO 8601 on the wire.
 */
import {
  DoraChangeRow,
  DoraDeploymentRow,
  DoraIncidentRow,
  IncidentLinkMethod,
} from '@internal/plugin-dora-common';
import {
  DbBackfillCursorRow,
  DbBigInt,
  DbChangeRow,
  DbDeploymentRow,
  DbDeploymentSums,
  DbIncidentRow,
} from './tables';
import {
  BackfillCursor,
  DeploymentCounts,
  NewChange,
  NewDeployment,
  NewIncident,
} from './types';

/** A number from a bigint or an aggregate; null and undefined are 0. */
export function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** A number from a nullable bigint or aggregate. */
export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Epoch ms to ISO 8601. */
export function iso(value: DbBigInt): string {
  return new Date(Number(value)).toISOString();
}

export function isoOrNull(value: DbBigInt | null): string | null {
  return value === null ? null : iso(value);
}

/** An id on the wire: a string. */
function idOrNull(value: DbBigInt | null): string | null {
  return value === null ? null : String(value);
}

/**
 * Deployment counts from a row of sums (rollup or raw query), whose columns
 * are named as in dora_rollup_deployment_days; no row means zeros.
 */
export function deploymentCounts(
  totals: Partial<DbDeploymentSums> | undefined,
): DeploymentCounts {
  return {
    deployments: num(totals?.deployments),
    deploymentDays: num(totals?.deployment_days),
    unplanned: num(totals?.unplanned),
    failed: num(totals?.failed),
    failedByIncident: num(totals?.by_incident),
    failedByRollback: num(totals?.by_rollback),
    failedByHotfix: num(totals?.by_hotfix),
  };
}

/** A listed deployment; whether it failed depends on the target asked for. */
export function toDeploymentRow(
  row: DbDeploymentRow,
  failed: boolean,
): DoraDeploymentRow {
  return {
    id: String(row.id),
    idempotencyKey: row.idempotency_key,
    service: row.service_ref,
    owner: row.owner_ref,
    environment: row.environment,
    environmentTier: row.environment_tier,
    status: row.status,
    kind: row.kind,
    rollbackInferred: Boolean(row.rollback_inferred),
    startedAt: isoOrNull(row.started_at),
    finishedAt: iso(row.finished_at),
    commitSha: row.commit_sha,
    source: row.source,
    externalId: row.external_id,
    failed,
  };
}

/** The deployment that shipped a listed change first to the target. */
export interface DbFirstDeployment {
  first_deployment_id: DbBigInt | null;
  first_deployed_at: DbBigInt | null;
  first_owner_ref: string | null;
}

/** A listed change, with its first deployment to the target. */
export function toChangeRow(
  row: DbChangeRow & DbFirstDeployment,
): DoraChangeRow {
  return {
    id: String(row.id),
    service: row.service_ref,
    owner: row.first_owner_ref,
    commitSha: row.commit_sha,
    prNumber: numOrNull(row.pr_number),
    authoredAt: iso(row.authored_at),
    firstPushedAt: isoOrNull(row.first_pushed_at),
    prOpenedAt: isoOrNull(row.pr_opened_at),
    mergedAt: isoOrNull(row.merged_at),
    squashMerge: Boolean(row.squash_merge),
    deploymentId: idOrNull(row.first_deployment_id),
    deployedAt: isoOrNull(row.first_deployed_at),
  };
}

export function toIncidentRow(row: DbIncidentRow): DoraIncidentRow {
  return {
    id: String(row.id),
    service: row.service_ref,
    owner: row.owner_ref,
    openedAt: iso(row.opened_at),
    resolvedAt: isoOrNull(row.resolved_at),
    causedByDeploymentId: idOrNull(row.caused_by_deployment_id),
    linkMethod: row.link_method,
    externalId: row.external_id,
    title: row.title,
  };
}

/** The columns every event's row has, set when it is first stored. */
function eventColumns(
  event: NewDeployment | NewChange | NewIncident,
  now: number,
) {
  return {
    idempotency_key: event.idempotencyKey,
    service_ref: event.serviceRef,
    source: event.source,
    created_at: now,
  };
}

/**
 * A new deployment's row (flags, links and an inferred rollback are set
 * afterwards).
 */
export function toDbDeployment(
  d: NewDeployment,
  now: number,
): Partial<DbDeploymentRow> {
  return {
    ...eventColumns(d, now),
    owner_ref: d.ownerRef,
    environment: d.environment,
    environment_tier: d.environmentTier,
    status: d.status,
    kind: d.kind,
    kind_declared: d.kindDeclared,
    rollback_inferred: false,
    started_at: d.startedAt,
    finished_at: d.finishedAt,
    commit_sha: d.commitSha,
    external_id: d.externalId,
  };
}

/**
 * The event fields of a change's row: what a later event for its commit may
 * fill in (the update of a stored change).
 */
export function toDbChangeFields(c: NewChange): Partial<DbChangeRow> {
  return {
    pr_number: c.prNumber,
    authored_at: c.authoredAt,
    first_pushed_at: c.firstPushedAt,
    pr_opened_at: c.prOpenedAt,
    merged_at: c.mergedAt,
    squash_merge: c.squashMerge,
  };
}

/** A new change's row (its deployment link is set afterwards). */
export function toDbChange(c: NewChange, now: number): Partial<DbChangeRow> {
  return {
    ...eventColumns(c, now),
    commit_sha: c.commitSha,
    ...toDbChangeFields(c),
  };
}

/** A new incident's row, with the deployment it was linked to. */
export function toDbIncident(
  incident: NewIncident,
  link: { causedBy: number | null; linkMethod: IncidentLinkMethod },
  now: number,
): Partial<DbIncidentRow> {
  return {
    ...eventColumns(incident, now),
    owner_ref: incident.ownerRef,
    opened_at: incident.openedAt,
    resolved_at: incident.resolvedAt,
    caused_by_deployment_id: link.causedBy,
    link_method: link.linkMethod,
    external_id: incident.externalId,
    title: incident.title,
  };
}

/** A stored change as an event, to merge a new event for its commit into. */
export function toNewChange(row: DbChangeRow, index: number): NewChange {
  return {
    index,
    idempotencyKey: row.idempotency_key,
    serviceRef: row.service_ref,
    commitSha: row.commit_sha,
    prNumber: numOrNull(row.pr_number),
    authoredAt: num(row.authored_at),
    firstPushedAt: numOrNull(row.first_pushed_at),
    prOpenedAt: numOrNull(row.pr_opened_at),
    mergedAt: numOrNull(row.merged_at),
    squashMerge: Boolean(row.squash_merge),
    source: row.source,
  };
}

/** A backfill cursor; no row is a cursor that has not started. */
export function toBackfillCursor(
  row: DbBackfillCursorRow | undefined,
): BackfillCursor {
  return {
    since: numOrNull(row?.since),
    nextPage: numOrNull(row?.next_page),
    passNewest: numOrNull(row?.pass_newest),
  };
}
