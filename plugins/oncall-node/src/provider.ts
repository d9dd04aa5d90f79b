import { Entity } from '@backstage/catalog-model';
import {
  IncidentStatus,
  OnCallIncident,
  OnCallRotation,
  TriggerIncidentRequest,
} from '@internal/plugin-oncall-common';

/**
 * The moment an on-call question is about.
 *
 * @public
 */
export interface OnCallNowOptions {
  /** Usually the present; the backend's clock, so that tests can move it. */
  now: Date;
}

/**
 * Which incidents to list.
 *
 * @public
 */
export interface IncidentsOptions {
  /** Incidents created at or after `since`... */
  since: Date;
  /** ...and before `until`. */
  until: Date;
  /** Only these states; every state when absent. */
  statuses?: IncidentStatus[];
}

/**
 * An incident to open, and on whose behalf.
 *
 * @public
 */
export interface TriggerIncidentOptions extends TriggerIncidentRequest {
  /**
   * The signed-in user who asked (the backend has checked
   * `oncall.incident.trigger` on the entity for them), with the email of
   * their catalog User when it has one: PagerDuty opens incidents in the name
   * of a user found by email (`From` header).
   */
  requestedBy: { userEntityRef: string; email?: string };
  /**
   * The same key for a retried request: a source that de-duplicates (PagerDuty's
   * `incident_key`) opens one incident however often it is asked.
   */
  dedupKey?: string;
}

/**
 * A source of who is on call, such as PagerDuty, added to the on-call backend
 * through {@link onCallProvidersExtensionPoint}.
 *
 * The backend asks the providers in the order they were added, the
 * annotation ({@link StaticAnnotationOnCallProvider}) last, and uses the first
 * whose `answers` is true. It caches answers and serves the last one, marked
 * stale, when the provider fails: providers need not cache.
 *
 * Throw the errors of `@backstage/errors` so the backend can tell failures
 * apart: `NotFoundError` when the entity names something the source does not
 * have (an unknown PagerDuty service); `ServiceUnavailableError` when the
 * source cannot be reached or keeps refusing (down, timing out, 5xx, 429
 * after waiting as long as it asked); `InputError` for a trigger request the
 * source rejects; `NotAllowedError` when the source refuses the requester.
 * Anything else is treated as a bug.
 *
 * @public
 */
export interface OnCallProvider {
  /** Unique and stable, e.g. `pagerduty`: each answer names it (`providerId`). */
  readonly id: string;

  /**
   * Whether this provider is the source for `entity`, from the entity alone
   * (its annotations, its kind): no I/O.
   */
  answers(entity: Entity): boolean;

  /**
   * Who is on call for `entity` at `now`: for each of its services at the
   * source, each escalation level from the primary up, who answers now (and
   * until when) and who takes over next (and from when). Empty when the
   * source knows the entity and nobody is on call.
   */
  onCallNow(
    entity: Entity,
    options: OnCallNowOptions,
  ): Promise<OnCallRotation[]>;

  /**
   * The incidents of `entity` across its services, newest first. Absent when
   * the source knows nothing of incidents (the annotation): the card then
   * says so rather than showing none.
   */
  incidents?(
    entity: Entity,
    options: IncidentsOptions,
  ): Promise<OnCallIncident[]>;

  /**
   * Opens an incident on `entity` (on its first service when it has several)
   * and returns it. Absent when the source cannot page anyone.
   */
  triggerIncident?(
    entity: Entity,
    options: TriggerIncidentOptions,
  ): Promise<OnCallIncident>;
}
