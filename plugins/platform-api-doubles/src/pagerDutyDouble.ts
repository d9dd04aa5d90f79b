import { createHmac, randomUUID } from 'node:crypto';
import { DAY_MS, HOUR_MS } from '@internal/paved-road-common';
import { DoubleResponse, HttpDouble, RecordedRequest } from './httpDouble';

type Json = Record<string, any>;

/**
 * PagerDuty's error body. Messages and codes are PagerDuty's where they are
 * documented or quoted in its issue trackers; the `errors` details of
 * validation failures are the double's own wording.
 */
function pagerDutyError(
  status: number,
  message: string,
  code: number,
  errors?: string[],
): DoubleResponse {
  return {
    status,
    body: { error: { message, code, ...(errors ? { errors } : {}) } },
  };
}
const notFound = () => pagerDutyError(404, 'Not Found', 2100);
const invalidInput = (...errors: string[]) =>
  pagerDutyError(400, 'Invalid Input Provided', 2001, errors);
/** What POST /incidents answers for an unknown service or a duplicate key. */
const argumentsCausedError = (...errors: string[]) =>
  pagerDutyError(400, 'Arguments Caused Error', 2002, errors);

/** PagerDuty renders times to the second. */
function render(time: number): string;
function render(time: number | undefined): string | null;
function render(time: number | undefined): string | null {
  return time === undefined
    ? null
    : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseTime(value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new Error(`not a time: ${value}`);
  }
  return time;
}

/** A PagerDuty user. Only users can be on call and send `From` headers. */
export interface PagerDutyUserSeed {
  /** PagerDuty ids look like `PXPGF42`. */
  id: string;
  name: string;
  email: string;
  /** A phone contact method, as PagerDuty stores it. */
  phone?: { countryCode: number; address: string };
  timeZone?: string;
}

/**
 * A schedule as PagerDuty renders it (layers, restrictions and overrides
 * already applied): who is on call from each handover to the next.
 */
export interface PagerDutyScheduleSeed {
  id: string;
  name: string;
  /** Each user is on call from `at` until the next handover (or `until`). */
  handovers: Array<{ at: string; userId: string }>;
  /** When the last shift ends: the end of what the schedule renders. */
  until: string;
}

/** An escalation policy: level 1 is `rules[0]`. */
export interface PagerDutyEscalationPolicySeed {
  id: string;
  name: string;
  rules: Array<{
    escalationDelayInMinutes?: number;
    /** A user target is on call for its level at all times. */
    targets: Array<{ type: 'schedule' | 'user'; id: string }>;
  }>;
  numLoops?: number;
}

export interface PagerDutyServiceSeed {
  id: string;
  name: string;
  escalationPolicyId: string;
  description?: string;
  status?: 'active' | 'warning' | 'critical' | 'maintenance' | 'disabled';
}

export type PagerDutyIncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** An incident as the double stores it (times in epoch ms). */
export interface PagerDutyIncident {
  id: string;
  number: number;
  title: string;
  serviceId: string;
  escalationPolicyId: string;
  status: PagerDutyIncidentStatus;
  urgency: 'high' | 'low';
  createdAt: number;
  lastStatusChangeAt: number;
  resolvedAt?: number;
  incidentKey: string;
  /** The `body.details` it was created with. */
  details?: string;
  /** Users it is assigned to while open (level 1 on call when triggered). */
  assigneeIds: string[];
  /** Who created it (the `From` user), when created through the API. */
  createdById?: string;
}

interface Shift {
  userId: string;
  start: number;
  end: number;
}

interface OnCallEntry {
  policy: PagerDutyEscalationPolicySeed;
  level: number;
  userId: string;
  schedule?: PagerDutyScheduleSeed;
  /** Undefined for a user targeted directly: always on call. */
  start?: number;
  end?: number;
}

/** A `since` or `until` PagerDuty cannot read: a 400 (code 2004). */
class InvalidTime extends Error {}

function timeParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') {
    return undefined;
  }
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new InvalidTime(value);
  }
  return time;
}

/** Query arrays are sent as `name[]=a&name[]=b`; `name=a` is not read. */
const list = (query: URLSearchParams, name: string) =>
  query.getAll(`${name}[]`);

/**
 * An in-memory PagerDuty REST API v2 (the parts an on-call integration
 * reads and the incident creation it may make) answering as PagerDuty does:
 * `Authorization: Token token=<key>` (401 otherwise), services with their
 * escalation policy, escalation policies with their rules, on-calls computed
 * from schedules that hand over at given times (`since`/`until` overlap,
 * `earliest`, `include[]`), incidents filtered by service, status, urgency
 * and creation time (one month back by default, six months at most),
 * `POST /incidents` with the `From` header, body validation and
 * `incident_key` de-duplication, classic offset pagination (`limit` up to
 * 100, `offset`, `more`, `total` only with `total=true`, 10,000 records at
 * most), and `{"error":{...}}` bodies. Times are the injectable `now`'s.
 *
 * Seed it with `addUser`, `addSchedule`, `addEscalationPolicy`,
 * `addService` and `addIncident` (in that order: each checks what it refers
 * to); move incidents on with `acknowledgeIncident` and `resolveIncident`.
 * Failures: `rateLimitNext` (429 as PagerDuty sends it), and from
 * {@link HttpDouble} `failNext` (500s), `breakNext` (hang, reset), `down`
 * and `up`; every request, headers included, is in `requests`. Webhooks:
 * `webhookEvent` and {@link postPagerDutyWebhook}.
 *
 * The `Accept: application/vnd.pagerduty+json;version=2` header is recorded
 * but not required: PagerDuty serves version 2 without it. Incident
 * `assignments` and `escalation_policy` overrides in `POST /incidents` are
 * not modelled: the double refuses them rather than ignore them.
 */
export class PagerDutyDouble extends HttpDouble {
  readonly users = new Map<string, PagerDutyUserSeed>();
  readonly schedules = new Map<string, PagerDutyScheduleSeed>();
  readonly escalationPolicies = new Map<
    string,
    PagerDutyEscalationPolicySeed
  >();
  readonly services = new Map<string, PagerDutyServiceSeed>();
  readonly incidents = new Map<string, PagerDutyIncident>();
  /** The double's clock: on-calls, incident times and defaults follow it. */
  now: () => Date;
  /** The web app's address, for `html_url`s. */
  readonly webUrl: string;
  /**
   * Where the double delivers v3 webhooks of its incidents (as a PagerDuty
   * webhook subscription would): see `subscribeWebhooks`.
   */
  readonly webhookSubscriptions: Array<{ url: string; secret: string }> = [];
  /** Each delivery attempted: the event, and the status or the error. */
  readonly webhookDeliveries: Array<{
    url: string;
    eventType: PagerDutyIncidentEventType;
    incidentId: string;
    status?: number;
    error?: string;
  }> = [];
  private readonly shifts = new Map<string, Shift[]>();
  private nextNumber = 1;

  constructor(
    readonly token = 'pagerduty-test-token',
    options: { now?: () => Date; subdomain?: string } = {},
  ) {
    super(request => this.route(request));
    this.now = options.now ?? (() => new Date());
    this.webUrl = `https://${
      options.subdomain ?? 'acme-freight'
    }.pagerduty.com`;
  }

  addUser(user: PagerDutyUserSeed): this {
    this.users.set(user.id, user);
    return this;
  }

  addSchedule(schedule: PagerDutyScheduleSeed): this {
    const handovers = [...schedule.handovers].sort(
      (a, b) => parseTime(a.at) - parseTime(b.at),
    );
    const shifts = handovers.map((handover, i) => {
      this.userOrThrow(handover.userId);
      return {
        userId: handover.userId,
        start: parseTime(handover.at),
        end: parseTime(handovers[i + 1]?.at ?? schedule.until),
      };
    });
    this.schedules.set(schedule.id, schedule);
    this.shifts.set(schedule.id, shifts);
    return this;
  }

  addEscalationPolicy(policy: PagerDutyEscalationPolicySeed): this {
    for (const target of policy.rules.flatMap(r => r.targets)) {
      if (target.type === 'user') {
        this.userOrThrow(target.id);
      } else if (!this.schedules.has(target.id)) {
        throw new Error(`no schedule ${target.id}: add it first`);
      }
    }
    this.escalationPolicies.set(policy.id, policy);
    return this;
  }

  addService(service: PagerDutyServiceSeed): this {
    if (!this.escalationPolicies.has(service.escalationPolicyId)) {
      throw new Error(
        `no escalation policy ${service.escalationPolicyId}: add it first`,
      );
    }
    this.services.set(service.id, service);
    return this;
  }

  /**
   * Stores an incident as if it had been triggered at `createdAt` (default:
   * now), assigned to whoever was on call at level 1 then.
   */
  addIncident(seed: {
    title: string;
    serviceId: string;
    id?: string;
    status?: PagerDutyIncidentStatus;
    urgency?: 'high' | 'low';
    createdAt?: string;
    resolvedAt?: string;
    incidentKey?: string;
    details?: string;
  }): PagerDutyIncident {
    const service = this.services.get(seed.serviceId);
    if (!service) {
      throw new Error(`no service ${seed.serviceId}: add it first`);
    }
    const createdAt = seed.createdAt
      ? parseTime(seed.createdAt)
      : this.now().getTime();
    const status = seed.status ?? 'triggered';
    let resolvedAt: number | undefined;
    if (status === 'resolved') {
      resolvedAt = seed.resolvedAt
        ? parseTime(seed.resolvedAt)
        : createdAt + HOUR_MS;
    }
    const number = this.nextNumber++;
    const incident: PagerDutyIncident = {
      id: seed.id ?? `Q${number.toString(36).toUpperCase().padStart(13, '0')}`,
      number,
      title: seed.title,
      serviceId: service.id,
      escalationPolicyId: service.escalationPolicyId,
      status,
      urgency: seed.urgency ?? 'high',
      createdAt,
      lastStatusChangeAt: resolvedAt ?? createdAt,
      resolvedAt,
      incidentKey: seed.incidentKey ?? randomUUID().replace(/-/g, ''),
      details: seed.details,
      assigneeIds: this.levelOneAt(service.escalationPolicyId, createdAt),
    };
    this.incidents.set(incident.id, incident);
    this.deliver(
      incident.id,
      status === 'triggered' ? 'incident.triggered' : `incident.${status}`,
    );
    return incident;
  }

  /**
   * From now on, every incident added, created, acknowledged or resolved is
   * delivered to `url` as a signed v3 webhook, in the background (after the
   * API call that caused it has answered).
   */
  subscribeWebhooks(url: string, secret: string): this {
    this.webhookSubscriptions.push({ url, secret });
    return this;
  }

  private deliver(incidentId: string, eventType: PagerDutyIncidentEventType) {
    for (const { url, secret } of this.webhookSubscriptions) {
      const payload = this.webhookEvent(incidentId, eventType);
      setImmediate(() => {
        const delivery: (typeof this.webhookDeliveries)[number] = {
          url,
          eventType,
          incidentId,
        };
        this.webhookDeliveries.push(delivery);
        postPagerDutyWebhook(url, payload, { secret }).then(
          ({ status }) => {
            delivery.status = status;
          },
          error => {
            delivery.error = String(error?.message ?? error);
          },
        );
      });
    }
  }

  /** Acknowledges an open incident now, as its assignee would. */
  acknowledgeIncident(id: string): PagerDutyIncident {
    return this.changeStatus(id, 'acknowledged');
  }

  /** Resolves an incident now, as its assignee would. */
  resolveIncident(id: string): PagerDutyIncident {
    return this.changeStatus(id, 'resolved');
  }

  /**
   * The next `count` requests answer 429 as PagerDuty's rate limiter does:
   * `{"error":{"message":"Rate Limit Exceeded","code":2020}}` with the
   * `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` headers
   * (the seconds to wait) PagerDuty documents. `retryAfter` adds a
   * `Retry-After` header with the same seconds; `bare` sends neither
   * headers nor body (PagerDuty warns that some 429s come so).
   */
  rateLimitNext(
    count: number,
    options: {
      resetSeconds?: number;
      retryAfter?: boolean;
      bare?: boolean;
      match?: (request: RecordedRequest) => boolean;
    } = {},
  ) {
    const { resetSeconds = 1, retryAfter = false, bare = false } = options;
    if (bare) {
      this.respondNext(count, { status: 429, text: '' }, options.match);
      return;
    }
    this.respondNext(
      count,
      {
        status: 429,
        headers: {
          'ratelimit-limit': '960',
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(resetSeconds),
          ...(retryAfter ? { 'retry-after': String(resetSeconds) } : {}),
        },
        body: { error: { message: 'Rate Limit Exceeded', code: 2020 } },
      },
      options.match,
    );
  }

  /**
   * A v3 webhook payload for `incident` as it is now, e.g. after
   * `resolveIncident` for `incident.resolved`. Post it with
   * {@link postPagerDutyWebhook}.
   */
  webhookEvent(
    incidentId: string,
    eventType: PagerDutyIncidentEventType,
    options: { id?: string; occurredAt?: string } = {},
  ): PagerDutyWebhookPayload {
    const incident = this.incidents.get(incidentId);
    if (!incident) {
      throw new Error(`no incident ${incidentId}`);
    }
    const json = this.incidentJson(incident);
    return pagerDutyIncidentEvent(
      eventType,
      {
        id: json.id,
        type: 'incident',
        self: json.self,
        html_url: json.html_url,
        number: json.incident_number,
        status: json.status,
        incident_key: json.incident_key,
        created_at: json.created_at,
        title: json.title,
        service: json.service,
        assignees: json.assignments.map((a: Json) => a.assignee),
        escalation_policy: json.escalation_policy,
        teams: [],
        priority: null,
        urgency: json.urgency,
        conference_bridge: null,
        resolve_reason: null,
      },
      {
        id: options.id,
        occurredAt: options.occurredAt ?? render(this.now().getTime()),
      },
    );
  }

  private userOrThrow(id: string) {
    const user = this.users.get(id);
    if (!user) {
      throw new Error(`no user ${id}: add it first`);
    }
    return user;
  }

  private changeStatus(id: string, status: PagerDutyIncidentStatus) {
    const incident = this.incidents.get(id);
    if (!incident) {
      throw new Error(`no incident ${id}`);
    }
    const at = this.now().getTime();
    incident.status = status;
    incident.lastStatusChangeAt = at;
    if (status === 'resolved') {
      incident.resolvedAt = at;
    }
    this.deliver(id, `incident.${status}`);
    return incident;
  }

  private route(request: RecordedRequest): DoubleResponse {
    if (request.headers.authorization !== `Token token=${this.token}`) {
      return pagerDutyError(401, 'Authentication failed', 2006);
    }
    const [, collection, id, sub, ...rest] = request.path.split('/');
    if (rest.length > 0) {
      return notFound();
    }
    const get = request.method === 'GET';
    try {
      if (get && collection === 'services' && id && !sub) {
        const service = this.services.get(id);
        return service
          ? { status: 200, body: { service: this.serviceJson(service) } }
          : notFound();
      }
      if (get && collection === 'escalation_policies' && id && !sub) {
        const policy = this.escalationPolicies.get(id);
        return policy
          ? {
              status: 200,
              body: { escalation_policy: this.policyJson(policy) },
            }
          : notFound();
      }
      if (get && collection === 'users' && id) {
        return this.userRoute(request, id, sub);
      }
      if (get && collection === 'oncalls' && !id) {
        return this.oncalls(request.query);
      }
      if (collection === 'incidents' && !sub) {
        if (get && id) {
          const incident =
            this.incidents.get(id) ??
            [...this.incidents.values()].find(i => String(i.number) === id);
          return incident
            ? { status: 200, body: { incident: this.incidentJson(incident) } }
            : notFound();
        }
        if (get) {
          return this.listIncidents(request.query);
        }
        if (request.method === 'POST' && !id) {
          return this.createIncident(request);
        }
      }
    } catch (error) {
      if (error instanceof InvalidTime) {
        return pagerDutyError(
          400,
          "Invalid time values in 'since' and/or 'until' parameters",
          2004,
        );
      }
      throw error;
    }
    return notFound();
  }

  private userRoute(
    request: RecordedRequest,
    id: string,
    sub: string | undefined,
  ): DoubleResponse {
    const user = this.users.get(id);
    if (!user || (sub && sub !== 'contact_methods')) {
      return notFound();
    }
    if (sub) {
      return {
        status: 200,
        body: { contact_methods: this.contactMethods(user, true) },
      };
    }
    const expand = list(request.query, 'include').includes('contact_methods');
    return { status: 200, body: { user: this.userJson(user, expand) } };
  }

  // ---- JSON as PagerDuty renders it ------------------------------------

  private ref(
    type: 'user' | 'schedule' | 'escalation_policy' | 'service',
    id: string,
    summary: string,
  ) {
    const plural = {
      user: 'users',
      schedule: 'schedules',
      escalation_policy: 'escalation_policies',
      service: 'services',
    }[type];
    const page = type === 'service' ? 'service-directory' : plural;
    return {
      id,
      type: `${type}_reference`,
      summary,
      self: `${this.url}/${plural}/${id}`,
      html_url: `${this.webUrl}/${page}/${id}`,
    };
  }

  private userRef(id: string) {
    return this.ref('user', id, this.users.get(id)?.name ?? id);
  }

  private contactMethods(user: PagerDutyUserSeed, expand: boolean): Json[] {
    const methods = [
      {
        id: `${user.id}E`,
        type: 'email_contact_method',
        summary: 'Default',
        label: 'Default',
        address: user.email,
        send_short_email: false,
      },
      ...(user.phone
        ? [
            {
              id: `${user.id}P`,
              type: 'phone_contact_method',
              summary: 'Mobile',
              label: 'Mobile',
              address: user.phone.address,
              country_code: user.phone.countryCode,
            },
          ]
        : []),
    ];
    return methods.map(method => {
      const self = `${this.url}/users/${user.id}/contact_methods/${method.id}`;
      return expand
        ? { ...method, self, html_url: null }
        : {
            id: method.id,
            type: `${method.type}_reference`,
            summary: method.summary,
            self,
            html_url: null,
          };
    });
  }

  private userJson(user: PagerDutyUserSeed, expandContactMethods = false) {
    return {
      ...this.ref('user', user.id, user.name),
      type: 'user',
      name: user.name,
      email: user.email,
      time_zone: user.timeZone ?? 'Europe/Berlin',
      color: 'purple',
      role: 'user',
      avatar_url: `https://secure.gravatar.com/avatar/${user.id}.png`,
      description: null,
      invitation_sent: false,
      job_title: null,
      teams: [],
      contact_methods: this.contactMethods(user, expandContactMethods),
      notification_rules: [],
    };
  }

  private scheduleJson(schedule: PagerDutyScheduleSeed) {
    return {
      ...this.ref('schedule', schedule.id, schedule.name),
      type: 'schedule',
      name: schedule.name,
      time_zone: 'Etc/UTC',
      description: null,
    };
  }

  private policyJson(policy: PagerDutyEscalationPolicySeed) {
    return {
      ...this.ref('escalation_policy', policy.id, policy.name),
      type: 'escalation_policy',
      name: policy.name,
      description: null,
      on_call_handoff_notifications: 'if_has_services',
      num_loops: policy.numLoops ?? 0,
      escalation_rules: policy.rules.map((rule, i) => ({
        id: `${policy.id}R${i + 1}`,
        escalation_delay_in_minutes: rule.escalationDelayInMinutes ?? 30,
        targets: rule.targets.map(target =>
          target.type === 'user'
            ? this.userRef(target.id)
            : this.ref(
                'schedule',
                target.id,
                this.schedules.get(target.id)!.name,
              ),
        ),
      })),
      services: [...this.services.values()]
        .filter(s => s.escalationPolicyId === policy.id)
        .map(s => this.ref('service', s.id, s.name)),
      teams: [],
    };
  }

  private serviceJson(service: PagerDutyServiceSeed) {
    const policy = this.escalationPolicies.get(service.escalationPolicyId)!;
    return {
      ...this.ref('service', service.id, service.name),
      type: 'service',
      name: service.name,
      description: service.description ?? null,
      status: service.status ?? 'active',
      auto_resolve_timeout: 14400,
      acknowledgement_timeout: 600,
      created_at: '2024-01-08T09:00:00Z',
      alert_creation: 'create_alerts_and_incidents',
      escalation_policy: this.ref('escalation_policy', policy.id, policy.name),
      teams: [],
      integrations: [],
      incident_urgency_rule: { type: 'constant', urgency: 'high' },
    };
  }

  private incidentJson(incident: PagerDutyIncident) {
    const service = this.services.get(incident.serviceId)!;
    const policy = this.escalationPolicies.get(incident.escalationPolicyId)!;
    const open = incident.status !== 'resolved';
    return {
      id: incident.id,
      type: 'incident',
      summary: `[#${incident.number}] ${incident.title}`,
      self: `${this.url}/incidents/${incident.id}`,
      html_url: `${this.webUrl}/incidents/${incident.id}`,
      incident_number: incident.number,
      title: incident.title,
      description: incident.title,
      created_at: render(incident.createdAt),
      updated_at: render(incident.lastStatusChangeAt),
      status: incident.status,
      incident_key: incident.incidentKey,
      service: this.ref('service', service.id, service.name),
      assignments: open
        ? incident.assigneeIds.map(id => ({
            at: render(incident.createdAt),
            assignee: this.userRef(id),
          }))
        : [],
      assigned_via: 'escalation_policy',
      last_status_change_at: render(incident.lastStatusChangeAt),
      resolved_at: render(incident.resolvedAt),
      escalation_policy: this.ref('escalation_policy', policy.id, policy.name),
      teams: [],
      pending_actions: [],
      acknowledgements: [],
      alert_counts: { all: 0, triggered: 0, resolved: 0 },
      incident_type: { name: 'incident_default' },
      is_mergeable: true,
      priority: null,
      resolve_reason: null,
      conference_bridge: null,
      incidents_responders: [],
      responder_requests: [],
      urgency: incident.urgency,
    };
  }

  // ---- on-calls --------------------------------------------------------

  /** Every on-call of every policy overlapping [since, until]. */
  private entries(since: number, until: number): OnCallEntry[] {
    const entries: OnCallEntry[] = [];
    for (const policy of this.escalationPolicies.values()) {
      policy.rules.forEach((rule, index) => {
        const level = index + 1;
        for (const target of rule.targets) {
          if (target.type === 'user') {
            entries.push({ policy, level, userId: target.id });
            continue;
          }
          const schedule = this.schedules.get(target.id)!;
          for (const shift of this.shifts.get(target.id) ?? []) {
            // A shift overlaps the range; a range of one instant falls in
            // the shift that starts at or before it and ends after it.
            if (shift.start <= until && shift.end > since) {
              if (shift.start === until && since < until) {
                continue;
              }
              entries.push({ policy, level, schedule, ...shift });
            }
          }
        }
      });
    }
    return entries;
  }

  /** Who is on call at level 1 of `policyId` at `time`. */
  private levelOneAt(policyId: string, time: number): string[] {
    return [
      ...new Set(
        this.entries(time, time)
          .filter(e => e.policy.id === policyId && e.level === 1)
          .map(e => e.userId),
      ),
    ];
  }

  private oncalls(query: URLSearchParams): DoubleResponse {
    const now = this.now().getTime();
    const since = timeParam(query, 'since') ?? now;
    const until = timeParam(query, 'until') ?? now;
    if (until < since) {
      return invalidInput('until must not be before since');
    }
    if (until > now + 90 * DAY_MS) {
      return invalidInput(
        'On-call shifts are limited to 90 days in the future',
      );
    }
    const policyIds = list(query, 'escalation_policy_ids');
    const userIds = list(query, 'user_ids');
    const scheduleIds = list(query, 'schedule_ids');
    let entries = this.entries(since, until).filter(
      e =>
        (!policyIds.length || policyIds.includes(e.policy.id)) &&
        (!userIds.length || userIds.includes(e.userId)) &&
        (!scheduleIds.length ||
          scheduleIds.includes(e.schedule ? e.schedule.id : 'null')),
    );
    // In policy, level and target order, each schedule's shifts oldest
    // first: the first of a user's entries at a level is its earliest.
    if (query.get('earliest') === 'true') {
      const seen = new Set<string>();
      entries = entries.filter(e => {
        const key = `${e.policy.id}/${e.level}/${e.userId}`;
        return seen.has(key) ? false : Boolean(seen.add(key));
      });
    }
    const include = list(query, 'include');
    const scheduleOf = (schedule: PagerDutyScheduleSeed) =>
      include.includes('schedules')
        ? this.scheduleJson(schedule)
        : this.ref('schedule', schedule.id, schedule.name);
    return paginate(
      'oncalls',
      entries.map(e => ({
        escalation_policy: include.includes('escalation_policies')
          ? this.policyJson(e.policy)
          : this.ref('escalation_policy', e.policy.id, e.policy.name),
        escalation_level: e.level,
        schedule: e.schedule ? scheduleOf(e.schedule) : null,
        user: include.includes('users')
          ? this.userJson(this.users.get(e.userId)!)
          : this.userRef(e.userId),
        start: render(e.start),
        end: render(e.end),
      })),
      query,
    );
  }

  // ---- incidents -------------------------------------------------------

  private listIncidents(query: URLSearchParams): DoubleResponse {
    let incidents = [...this.incidents.values()];
    if (query.get('date_range') !== 'all') {
      const now = this.now().getTime();
      // By default the range reaches the present: an incident created at
      // this very instant (the double's clock may stand still) is in it.
      const until = timeParam(query, 'until') ?? now + 1;
      const since = timeParam(query, 'since') ?? until - 30 * DAY_MS;
      if (until < since) {
        return invalidInput('until must not be before since');
      }
      if (until - since > 183 * DAY_MS) {
        return invalidInput('The date range must be at most 6 months');
      }
      incidents = incidents.filter(
        i => i.createdAt >= since && i.createdAt < until,
      );
    }
    const filters: Array<[string, (i: PagerDutyIncident) => string]> = [
      ['service_ids', i => i.serviceId],
      ['statuses', i => i.status],
      ['urgencies', i => i.urgency],
    ];
    for (const [name, value] of filters) {
      const wanted = list(query, name);
      if (wanted.length) {
        incidents = incidents.filter(i => wanted.includes(value(i)));
      }
    }
    const key = query.get('incident_key');
    if (key) {
      incidents = incidents.filter(i => i.incidentKey === key);
    }
    const userIds = list(query, 'user_ids');
    if (userIds.length) {
      incidents = incidents.filter(
        i =>
          i.status !== 'resolved' &&
          i.assigneeIds.some(id => userIds.includes(id)),
      );
    }
    const [field = 'created_at', direction = 'asc'] = (
      list(query, 'sort_by')[0] ??
      query.get('sort_by') ??
      ''
    ).split(':');
    const sortKeys: Record<string, (i: PagerDutyIncident) => number> = {
      created_at: i => i.createdAt,
      resolved_at: i => i.resolvedAt ?? Infinity,
      incident_number: i => i.number,
      urgency: i => (i.urgency === 'high' ? 0 : 1),
    };
    const sortKey = sortKeys[field] ?? sortKeys.created_at;
    incidents.sort(
      (a, b) => (sortKey(a) - sortKey(b)) * (direction === 'desc' ? -1 : 1),
    );
    return paginate(
      'incidents',
      incidents.map(i => this.incidentJson(i)),
      query,
    );
  }

  private createIncident(request: RecordedRequest): DoubleResponse {
    const from = String(request.headers.from ?? '').trim();
    if (!from) {
      return pagerDutyError(
        400,
        'You must specify a user\'s email address in the "From" header to perform this action',
        2016,
      );
    }
    const requester = [...this.users.values()].find(
      u => u.email.toLowerCase() === from.toLowerCase(),
    );
    if (!requester) {
      return pagerDutyError(400, 'Requester User Not Found', 1008, []);
    }
    const incident = (request.body as Json | undefined)?.incident;
    if (!incident || typeof incident !== 'object' || Array.isArray(incident)) {
      return invalidInput('incident must be an object');
    }
    const problems: string[] = [];
    if (incident.type !== 'incident') {
      problems.push('incident.type must be "incident"');
    }
    if (typeof incident.title !== 'string' || !incident.title.trim()) {
      problems.push('incident.title is required');
    }
    if (
      incident.service?.type !== 'service_reference' ||
      typeof incident.service?.id !== 'string'
    ) {
      problems.push('incident.service must be a service_reference with an id');
    }
    if (
      incident.urgency !== undefined &&
      !['high', 'low'].includes(incident.urgency)
    ) {
      problems.push('incident.urgency must be high or low');
    }
    if (
      incident.body !== undefined &&
      (incident.body?.type !== 'incident_body' ||
        typeof incident.body?.details !== 'string')
    ) {
      problems.push(
        'incident.body must be an incident_body with string details',
      );
    }
    if (incident.assignments !== undefined || incident.escalation_policy) {
      problems.push(
        'the double does not model assignments or escalation_policy overrides',
      );
    }
    if (problems.length) {
      return invalidInput(...problems);
    }
    const service = this.services.get(incident.service.id);
    if (!service) {
      return argumentsCausedError('Service not found');
    }
    const key =
      typeof incident.incident_key === 'string'
        ? incident.incident_key
        : undefined;
    if (
      key &&
      [...this.incidents.values()].some(
        i =>
          i.serviceId === service.id &&
          i.incidentKey === key &&
          i.status !== 'resolved',
      )
    ) {
      return argumentsCausedError(
        'Open incident with matching dedup key already exists on this service',
      );
    }
    const created = this.addIncident({
      title: incident.title,
      serviceId: service.id,
      urgency: incident.urgency,
      incidentKey: key,
      details: incident.body?.details,
    });
    created.createdById = requester.id;
    return { status: 201, body: { incident: this.incidentJson(created) } };
  }
}

/** Classic pagination: `limit` (25, at most 100), `offset`, `more`, `total`. */
function paginate(
  key: string,
  items: unknown[],
  query: URLSearchParams,
): DoubleResponse {
  const number = (name: string, fallback: number) => {
    const value = query.get(name);
    return value === null || value === '' ? fallback : Number(value);
  };
  const limit = number('limit', 25);
  const offset = number('offset', 0);
  if (
    !Number.isInteger(limit) ||
    !Number.isInteger(offset) ||
    limit < 1 ||
    offset < 0
  ) {
    return invalidInput('limit and offset must be non-negative integers');
  }
  const pageSize = Math.min(limit, 100);
  if (offset + pageSize > 10000) {
    return invalidInput('offset + limit must not exceed 10000');
  }
  const page = items.slice(offset, offset + pageSize);
  return {
    status: 200,
    body: {
      [key]: page,
      limit: pageSize,
      offset,
      more: offset + page.length < items.length,
      total: query.get('total') === 'true' ? items.length : null,
    },
  };
}

// ---- v3 webhooks ---------------------------------------------------------

export type PagerDutyIncidentEventType =
  | 'incident.triggered'
  | 'incident.acknowledged'
  | 'incident.unacknowledged'
  | 'incident.escalated'
  | 'incident.reassigned'
  | 'incident.reopened'
  | 'incident.resolved';

/** A v3 webhook payload: one event, `data` the resource it is about. */
export interface PagerDutyWebhookPayload {
  event: {
    id: string;
    event_type: string;
    resource_type: string;
    occurred_at: string;
    agent: Json | null;
    client: Json | null;
    data: Json;
  };
}

/**
 * A v3 webhook payload for an incident event. `data` is the incident in the
 * webhook's shape (`id`, `type: 'incident'`, `html_url`, `number`, `status`,
 * `title`, `service`, ...); {@link PagerDutyDouble.webhookEvent} builds it
 * from an incident of the double.
 */
export function pagerDutyIncidentEvent(
  eventType: PagerDutyIncidentEventType,
  data: Json,
  options: { id?: string; occurredAt?: string } = {},
): PagerDutyWebhookPayload {
  return {
    event: {
      id: options.id ?? randomUUID(),
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: options.occurredAt ?? new Date().toISOString(),
      agent: null,
      client: null,
      data: { type: 'incident', ...data },
    },
  };
}

/**
 * The `X-PagerDuty-Signature` value for a raw body: `v1=` and the hex
 * HMAC-SHA256 of the body keyed with each secret, comma-separated (several
 * while a secret is being rotated).
 */
export function signPagerDutyWebhook(
  rawBody: string | Buffer,
  secrets: string | string[],
): string {
  return [secrets]
    .flat()
    .map(
      secret =>
        `v1=${createHmac('sha256', secret).update(rawBody).digest('hex')}`,
    )
    .join(',');
}

/**
 * Delivers a v3 webhook to `url` as PagerDuty does: a JSON POST with
 * `User-Agent: PagerDuty-Webhook/V3.0`, `X-Webhook-Id` (the same for every
 * attempt at one delivery: pass it again to test de-duplication),
 * `X-Webhook-Subscription` and the signature over the exact bytes sent.
 * `secret: false` sends no signature; `signWith` signs other bytes than
 * those sent (a tampered body).
 */
export async function postPagerDutyWebhook(
  url: string,
  payload: PagerDutyWebhookPayload | Json,
  options: {
    secret: string | string[] | false;
    webhookId?: string;
    subscriptionId?: string;
    signWith?: string;
    headers?: Record<string, string>;
  },
): Promise<{
  status: number;
  text: string;
  rawBody: string;
  webhookId: string;
}> {
  const rawBody = JSON.stringify(payload);
  const webhookId = options.webhookId ?? randomUUID();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'PagerDuty-Webhook/V3.0',
      'x-webhook-id': webhookId,
      'x-webhook-subscription': options.subscriptionId ?? 'PSUBSCR',
      ...(options.secret === false
        ? {}
        : {
            'x-pagerduty-signature': signPagerDutyWebhook(
              options.signWith ?? rawBody,
              options.secret,
            ),
          }),
      ...options.headers,
    },
    body: rawBody,
  });
  return {
    status: response.status,
    text: await response.text(),
    rawBody,
    webhookId,
  };
}
