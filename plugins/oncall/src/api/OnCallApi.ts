import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  IncidentsAnswer,
  IncidentStatus,
  OnCallAnswer,
  OnCallIncident,
  TriggerIncidentRequest,
} from '@internal/plugin-oncall-common';

/**
 * Which incidents of an entity to list.
 *
 * @public
 */
export interface IncidentsQuery {
  /** Incidents created in the last `days` days; the backend's default is 7. */
  days?: number;
  /** Only these states; every state when absent. */
  statuses?: readonly IncidentStatus[];
}

/**
 * Client of the on-call backend (`/api/oncall`). Every method takes a full
 * entity ref, e.g. `component:default/orders-service`, and rejects with a
 * `ResponseError` from `@backstage/errors` whose `cause` carries the
 * backend's message: a source that knows no incidents answers 501
 * (`NotImplementedError`), a user who may not page 403 (`NotAllowedError`).
 *
 * @public
 */
export interface OnCallApi {
  /** Who is on call for the entity, per rotation and escalation level. */
  getOnCall(entityRef: string): Promise<OnCallAnswer>;
  /** The entity's incidents, newest first. */
  getIncidents(
    entityRef: string,
    query?: IncidentsQuery,
  ): Promise<IncidentsAnswer>;
  /** Pages whoever is on call for the entity; returns the new incident. */
  triggerIncident(
    entityRef: string,
    request: TriggerIncidentRequest,
  ): Promise<OnCallIncident>;
}

/** @public */
export const onCallApiRef = createApiRef<OnCallApi>().with({
  id: 'plugin.oncall.service',
  pluginId: 'oncall',
});
