import {
  OnCallContact,
  OnCallIncident,
  OnCallLevel,
  OnCallLink,
  OnCallShift,
} from '@internal/plugin-oncall-common';
import {
  PagerDutyContactMethod,
  PagerDutyEscalationPolicy,
  PagerDutyIncident,
  PagerDutyOnCall,
  PagerDutyReference,
  PagerDutyUser,
} from '../client/types';

/** One stretch on call, times in epoch ms; none for "at all times". */
export interface RawShift {
  user: PagerDutyUser;
  schedule: PagerDutyReference | null;
  start?: number;
  end?: number;
}

export interface RawLevel {
  level: number;
  now: RawShift[];
  next: RawShift[];
}

const time = (value: string | null | undefined) =>
  value ? Date.parse(value) : undefined;

const iso = (ms: number) => new Date(ms).toISOString();

export function linkOf(ref: {
  id: string;
  summary?: string;
  name?: string;
  html_url?: string | null;
}): OnCallLink {
  return {
    id: ref.id,
    name: ref.name ?? ref.summary ?? ref.id,
    ...(ref.html_url ? { url: ref.html_url } : {}),
  };
}

/**
 * Extends `shift` over the shifts of the same user that follow it without a
 * gap (a layer handing over to the same person), marking them used.
 */
function extend(shift: RawShift, shifts: RawShift[], used: Set<RawShift>) {
  let end = shift.end;
  // Sorted by start, so one pass follows the chain.
  for (const next of shifts) {
    if (
      end !== undefined &&
      !used.has(next) &&
      next.start === end &&
      next.user.id === shift.user.id
    ) {
      used.add(next);
      end = next.end;
    }
  }
  return { ...shift, end };
}

/**
 * Who is on call at each level of `policy` at `now`, and who takes over
 * next, from the on-calls overlapping [now, now + horizon].
 *
 * Per level and per target (a schedule, or a user on call at all times):
 * `now` holds the shifts covering `now`, `next` the first shift of each
 * schedule that starts after `now` and is not the same person carrying on.
 * Every level of the policy is listed, even one nobody covers now.
 */
export function levelsOf(
  policy: PagerDutyEscalationPolicy,
  onCalls: PagerDutyOnCall[],
  now: Date,
): RawLevel[] {
  const t = now.getTime();
  return policy.escalation_rules.map((_, index) => {
    const level = index + 1;
    const targets = new Map<string, RawShift[]>();
    for (const onCall of onCalls) {
      if (
        onCall.escalation_policy?.id !== policy.id ||
        onCall.escalation_level !== level
      ) {
        continue;
      }
      const key = onCall.schedule
        ? `schedule:${onCall.schedule.id}`
        : `user:${onCall.user.id}`;
      const shifts = targets.get(key) ?? [];
      shifts.push({
        user: onCall.user,
        schedule: onCall.schedule,
        start: time(onCall.start),
        end: time(onCall.end),
      });
      targets.set(key, shifts);
    }

    const nowShifts: RawShift[] = [];
    const nextShifts: RawShift[] = [];
    for (const shifts of targets.values()) {
      shifts.sort((a, b) => (a.start ?? -Infinity) - (b.start ?? -Infinity));
      const current = shifts.filter(
        s =>
          (s.start === undefined || s.start <= t) &&
          (s.end === undefined || s.end > t),
      );
      const used = new Set(current);
      nowShifts.push(...current.map(s => extend(s, shifts, used)));
      const upcoming = shifts.filter(
        s => !used.has(s) && s.start !== undefined && s.start > t,
      );
      if (upcoming.length) {
        const first = Math.min(...upcoming.map(s => s.start!));
        for (const shift of upcoming.filter(s => s.start === first)) {
          used.add(shift);
          nextShifts.push(extend(shift, shifts, used));
        }
      }
    }
    nextShifts.sort((a, b) => a.start! - b.start!);
    // Users counted twice at a level (on two schedules at once) stay: each
    // names its schedule.
    return { level, now: nowShifts, next: nextShifts };
  });
}

/** The first handover after `now` in these levels: when an answer goes out of date. */
export function nextHandover(
  levels: RawLevel[],
  now: Date,
): number | undefined {
  const t = now.getTime();
  const times = levels.flatMap(level => [
    ...level.now.map(s => s.end),
    ...level.next.map(s => s.start),
  ]);
  const after = times.filter((x): x is number => x !== undefined && x > t);
  return after.length ? Math.min(...after) : undefined;
}

/** Whether PagerDuty says the user has a phone (or SMS) contact method. */
export function hasPhone(user: PagerDutyUser): boolean {
  return (user.contact_methods ?? []).some(method =>
    /^(phone|sms)_contact_method/.test(method.type),
  );
}

/** The user's first phone contact method (else SMS) in E.164, e.g. `+4915112345678`. */
export function phoneOf(methods: PagerDutyContactMethod[]): string | undefined {
  const method =
    methods.find(m => m.type === 'phone_contact_method') ??
    methods.find(m => m.type === 'sms_contact_method');
  if (!method?.address) {
    return undefined;
  }
  const digits = method.address.replace(/[^\d]/g, '');
  if (method.address.trim().startsWith('+') || !method.country_code) {
    return `+${digits}`;
  }
  return `+${method.country_code}${digits}`;
}

function contactOf(
  user: PagerDutyUser,
  phones: Map<string, string>,
): OnCallContact {
  const phone = phones.get(user.id);
  return {
    name: user.name ?? user.summary ?? user.id,
    ...(user.email ? { email: user.email } : {}),
    ...(phone ? { phone } : {}),
    ...(user.html_url ? { url: user.html_url } : {}),
  };
}

function shiftOf(shift: RawShift, phones: Map<string, string>): OnCallShift {
  return {
    contact: contactOf(shift.user, phones),
    ...(shift.start !== undefined ? { from: iso(shift.start) } : {}),
    ...(shift.end !== undefined ? { until: iso(shift.end) } : {}),
    ...(shift.schedule ? { schedule: linkOf(shift.schedule) } : {}),
  };
}

export function levelOf(
  level: RawLevel,
  phones: Map<string, string>,
): OnCallLevel {
  return {
    level: level.level,
    now: level.now.map(s => shiftOf(s, phones)),
    next: level.next.map(s => shiftOf(s, phones)),
  };
}

export function incidentOf(incident: PagerDutyIncident): OnCallIncident {
  const assignees = (incident.assignments ?? []).map(({ assignee }) => ({
    name: assignee.summary ?? assignee.id,
    ...(assignee.html_url ? { url: assignee.html_url } : {}),
  }));
  const resolvedAt = time(incident.resolved_at);
  return {
    id: incident.id,
    ...(incident.incident_number !== undefined
      ? { number: incident.incident_number }
      : {}),
    title: incident.title,
    status: incident.status,
    ...(incident.urgency ? { urgency: incident.urgency } : {}),
    createdAt: iso(Date.parse(incident.created_at)),
    ...(resolvedAt !== undefined ? { resolvedAt: iso(resolvedAt) } : {}),
    ...(incident.html_url ? { url: incident.html_url } : {}),
    service: { ...linkOf(incident.service), id: incident.service.id },
    ...(assignees.length ? { assignees } : {}),
  };
}
