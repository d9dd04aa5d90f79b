/**
 * What the on-call plugins exchange: who is on call for a component or a
 * team (per escalation level, now and next), its incidents, and where each
 * answer comes from and how old it is. Every timestamp is an ISO 8601
 * string.
 */

/**
 * A person (or a place) at the source or in the catalog, e.g. a PagerDuty
 * service, escalation policy or schedule.
 *
 * @public
 */
export interface OnCallLink {
  /** The source's id, e.g. PagerDuty's `PORD7X2`. */
  id?: string;
  name: string;
  /** Its page at the source (PagerDuty's `html_url`). */
  url?: string;
}

/**
 * How to reach one person on call.
 *
 * @public
 */
export interface OnCallContact {
  /** As the source names them; the catalog's title or display name for the annotation. */
  name: string;
  email?: string;
  /** In E.164 form, e.g. `+4915112345678`, when the source has a phone for them. */
  phone?: string;
  /** Their page at the source, e.g. the PagerDuty user. */
  url?: string;
  /** The catalog User they are, e.g. `user:default/marco-rossi`, when known. */
  userEntityRef?: string;
  /**
   * True when the source names a catalog entity (`userEntityRef`) the
   * catalog does not have: the card says so rather than guessing.
   */
  notInCatalog?: boolean;
}

/**
 * One person on call at one level for a stretch of time.
 *
 * @public
 */
export interface OnCallShift {
  contact: OnCallContact;
  /**
   * When the shift began (in `now`) or begins (in `next`). Absent when the
   * person is on call at all times: a user an escalation rule targets
   * directly, or the annotation.
   */
  from?: string;
  /** When the shift ends. Absent when it has no planned end. */
  until?: string;
  /** The schedule that puts them on call, when one does. */
  schedule?: OnCallLink;
}

/**
 * One level of an escalation policy: 1 is the primary, 2 the secondary, and
 * so on up the policy.
 *
 * @public
 */
export interface OnCallLevel {
  level: number;
  /** Who answers at this level now; several when the level has several targets. */
  now: OnCallShift[];
  /**
   * Who takes over at this level at the next handover (from `until` of the
   * shifts in `now`). Empty when nobody is scheduled or the source has no
   * schedule.
   */
  next: OnCallShift[];
}

/**
 * Who is on call through one service at the source. An entity can have
 * several (a component paged through several PagerDuty services).
 *
 * @public
 */
export interface OnCallRotation {
  /** The service at the source; absent when the source has none (the annotation). */
  service?: OnCallLink;
  /** The escalation policy the levels come from. */
  escalationPolicy?: OnCallLink;
  /** Primary first. */
  levels: OnCallLevel[];
}

/**
 * Which provider an answer comes from, and how old it is.
 *
 * @public
 */
export interface OnCallProvenance {
  /** The provider's id, e.g. `pagerduty`, or `annotation` for the static fallback. */
  providerId: string;
  /** When the provider gave this answer. */
  fetchedAt: string;
  /**
   * True when the source could not be asked (down, rate-limited) and this is
   * the last answer it gave, from `fetchedAt`.
   */
  stale: boolean;
  /** Why a stale answer is served, e.g. `PagerDuty answered 429 three times`. */
  staleReason?: string;
}

/**
 * Who is on call for a component or a team.
 *
 * @public
 */
export interface OnCallAnswer extends OnCallProvenance {
  /** The component or group asked about. */
  entityRef: string;
  /** One per service at the source; empty when nobody is on call through any. */
  rotations: OnCallRotation[];
}

/**
 * PagerDuty's incident states, which other sources map onto.
 *
 * @public
 */
export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** @public */
export const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  'triggered',
  'acknowledged',
  'resolved',
];

/**
 * The states of an incident someone still has to deal with.
 *
 * @public
 */
export const OPEN_INCIDENT_STATUSES: readonly IncidentStatus[] = [
  'triggered',
  'acknowledged',
];

/**
 * `high` pages at once; `low` follows the service's notification rules.
 *
 * @public
 */
export type IncidentUrgency = 'high' | 'low';

/**
 * An incident at the source.
 *
 * @public
 */
export interface OnCallIncident {
  /** The source's id, e.g. PagerDuty's `Q0RIJJZL24RC6W`. */
  id: string;
  /** The number people say, e.g. PagerDuty's `incident_number`. */
  number?: number;
  title: string;
  status: IncidentStatus;
  urgency?: IncidentUrgency;
  createdAt: string;
  /** Set once resolved. */
  resolvedAt?: string;
  /** The incident's page at the source (`html_url`). */
  url?: string;
  /** The service at the source it was opened on. */
  service: OnCallLink & { id: string };
  /** Who it is assigned to while open. */
  assignees?: OnCallContact[];
}

/**
 * The open and recent incidents of a component or a team.
 *
 * @public
 */
export interface IncidentsAnswer extends OnCallProvenance {
  entityRef: string;
  /** Newest first. */
  incidents: OnCallIncident[];
}

/**
 * What a user asks for when they trigger an incident on a component: the
 * source pages whoever is on call for it.
 *
 * @public
 */
export interface TriggerIncidentRequest {
  /** What is wrong, in a line, e.g. `Checkout returns 502 for 40 % of calls`. */
  title: string;
  /** What the responder should know: symptoms, since when, links. */
  details?: string;
  /** Defaults to the source's (PagerDuty: the service's urgency rule). */
  urgency?: IncidentUrgency;
}
