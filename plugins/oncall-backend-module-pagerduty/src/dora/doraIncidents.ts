import type { IncidentEvent } from '@internal/plugin-dora-common';
import { PagerDutyIncident } from '../client/types';

/**
 * The `incident_key` of an incident a deploy tool opened for one of its
 * deployments (PagerDuty's Events API `dedup_key`), e.g.
 * `deployment:orders-service-20261207.3`: the DORA incident names that
 * deployment (its idempotency key or external id) as its cause instead of
 * leaving the link to DORA's rules.
 */
export const DEPLOYMENT_INCIDENT_KEY_PREFIX = 'deployment:';

/** What DORA stores as the incident's id, the same for all its updates. */
export const externalIdOf = (incident: PagerDutyIncident) =>
  `pagerduty:${incident.id}`;

/**
 * When a resolved incident was resolved: `resolved_at`, else the last
 * status change (accounts whose API predates `resolved_at`).
 */
function resolvedAtOf(incident: PagerDutyIncident): string | undefined {
  if (incident.status !== 'resolved') {
    return undefined;
  }
  return (
    incident.resolved_at ??
    incident.last_status_change_at ??
    incident.created_at
  );
}

/**
 * The DORA incident event of a PagerDuty incident as it is now, for one
 * catalog Component. The idempotency key names the state DORA cares about
 * (open, or resolved at a time) and when it was reached: sending the same
 * state again, from a webhook retried or replayed or from reconciliation,
 * is a duplicate that writes nothing, and each new state is an update of
 * the same incident (same `externalId`).
 */
export function toDoraIncidentEvent(
  incident: PagerDutyIncident,
  serviceRef: string,
): IncidentEvent {
  const resolvedAt = resolvedAtOf(incident);
  const key = incident.incident_key ?? '';
  const causedByDeployment = key.startsWith(DEPLOYMENT_INCIDENT_KEY_PREFIX)
    ? key.slice(DEPLOYMENT_INCIDENT_KEY_PREFIX.length) || undefined
    : undefined;
  const state = resolvedAt
    ? `resolved@${resolvedAt}`
    : `open@${incident.last_status_change_at ?? incident.created_at}`;
  return {
    type: 'incident',
    idempotencyKey: `${externalIdOf(incident)}:${serviceRef}:${state}`,
    service: serviceRef,
    openedAt: incident.created_at,
    ...(resolvedAt ? { resolvedAt } : {}),
    ...(causedByDeployment ? { causedByDeployment } : {}),
    externalId: externalIdOf(incident),
    title: (incident.incident_number
      ? `#${incident.incident_number} ${incident.title}`
      : incident.title
    ).slice(0, 1024),
    source: 'pagerduty',
  };
}
