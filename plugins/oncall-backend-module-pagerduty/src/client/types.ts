/**
 * The parts of PagerDuty's REST API v2 resources the on-call source reads.
 * PagerDuty sends more; fields are optional where PagerDuty may omit them.
 */

/** A reference to another resource, as PagerDuty embeds it. */
export interface PagerDutyReference {
  id: string;
  /** e.g. `user_reference`, `schedule_reference`, `phone_contact_method_reference`. */
  type: string;
  summary?: string;
  self?: string;
  html_url?: string | null;
}

export interface PagerDutyService {
  id: string;
  name: string;
  html_url?: string;
  status?: string;
  escalation_policy: PagerDutyReference;
}

export interface PagerDutyEscalationRule {
  id?: string;
  escalation_delay_in_minutes?: number;
  targets: PagerDutyReference[];
}

export interface PagerDutyEscalationPolicy {
  id: string;
  name: string;
  html_url?: string;
  /** Level 1 (the primary) first. */
  escalation_rules: PagerDutyEscalationRule[];
}

/** A user as `include[]=users` renders it, or a bare reference without it. */
export interface PagerDutyUser extends PagerDutyReference {
  name?: string;
  email?: string;
  contact_methods?: PagerDutyReference[];
}

export interface PagerDutyContactMethod {
  id: string;
  /** `email_contact_method`, `phone_contact_method`, `sms_contact_method`, ... */
  type: string;
  label?: string;
  address: string;
  country_code?: number;
}

/** One stretch of someone being on call at one level of a policy. */
export interface PagerDutyOnCall {
  escalation_policy: PagerDutyReference;
  escalation_level: number;
  /** `null` for a user an escalation rule targets directly. */
  schedule: PagerDutyReference | null;
  user: PagerDutyUser;
  /** `null` (with `end`) when on call at all times. */
  start: string | null;
  end: string | null;
}

export type PagerDutyIncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface PagerDutyIncident {
  id: string;
  incident_number?: number;
  title: string;
  status: PagerDutyIncidentStatus;
  urgency?: 'high' | 'low';
  created_at: string;
  resolved_at?: string | null;
  /** When the status last changed (acknowledged, resolved, reopened). */
  last_status_change_at?: string | null;
  html_url?: string;
  incident_key?: string | null;
  service: PagerDutyReference;
  assignments?: Array<{ assignee: PagerDutyReference }>;
}
