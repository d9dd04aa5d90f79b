import { createHash } from 'node:crypto';
import {
  Entity,
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { MINUTE_MS, WEEK_MS } from '@internal/paved-road-common';
import { pagerDutyServiceIds } from '@internal/plugin-oncall-backend-module-pagerduty';
import { ANNOTATION_ON_CALL } from '@internal/plugin-oncall-common';
import { PagerDutyDouble } from '@internal/platform-api-doubles';

/** Weeks of rotation rendered before and after now. */
const WEEKS_BACK = 4;
const WEEKS_AHEAD = 8;

/** A PagerDuty-looking id (`P` and six letters or digits), stable per name. */
export function pagerDutyId(name: string): string {
  const hash = createHash('sha256').update(name).digest('hex');
  return `P${BigInt(`0x${hash.slice(0, 12)}`)
    .toString(36)
    .toUpperCase()
    .padStart(6, '0')
    .slice(0, 6)}`;
}

/** The last Monday 09:00 UTC at or before `now`: the weekly handover. */
export function lastHandover(now: Date): number {
  const monday = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 9),
  );
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return monday.getTime() > now.getTime()
    ? monday.getTime() - WEEK_MS
    : monday.getTime();
}

/** The user `oncall.pagerduty.fromEmail` of app-config.yaml names. */
export const PORTAL_USER = {
  id: 'PPORTAL',
  name: 'Paved Road portal',
  email: 'paved-road@acme-freight.example',
};

/** Incidents the example organisation has at start, by component name. */
const EXAMPLE_INCIDENTS: Record<
  string,
  Array<{
    title: string;
    status: 'triggered' | 'acknowledged' | 'resolved';
    urgency?: 'high' | 'low';
    openedMinutesAgo: number;
    resolvedAfterMinutes?: number;
  }>
> = {
  'checkout-service': [
    {
      title: 'Checkout returns 502 for some card payments',
      status: 'triggered',
      openedMinutesAgo: 25,
    },
  ],
  'payments-service': [
    {
      title: 'Refund webhooks delayed by 10 minutes',
      status: 'acknowledged',
      urgency: 'low',
      openedMinutesAgo: 130,
    },
  ],
  'orders-service': [
    {
      title: 'Order export timed out',
      status: 'resolved',
      openedMinutesAgo: 26 * 60,
      resolvedAfterMinutes: 40,
    },
  ],
};

function emailOf(user: Entity): string | undefined {
  return (user.spec?.profile as { email?: string } | undefined)?.email;
}

/**
 * Gives the example organisation a PagerDuty account in the double: a user
 * per catalog User with an email, and for each Component named by
 * `pagerduty.com/service-id` (not seeded yet) its services with an
 * escalation policy of three levels: a weekly primary rotation through the
 * owning team that has the component's `paved-road.io/on-call` person on
 * call this week (so annotation and PagerDuty agree on first start), a
 * secondary rotation one person behind, and the third of the rotation
 * directly. A few incidents (see `EXAMPLE_INCIDENTS`) make the cards alive.
 * Returns the PagerDuty service ids it added.
 */
export function seedExampleOnCall(
  pd: PagerDutyDouble,
  catalog: { users: Entity[]; components: Entity[] },
  now: Date,
): string[] {
  // The portal's own PagerDuty user (oncall.pagerduty.fromEmail): pages in
  // the name of people PagerDuty does not know, such as the guest.
  if (!pd.users.has(PORTAL_USER.id)) {
    pd.addUser(PORTAL_USER);
  }
  const userIds = new Map<string, string>();
  const teams = new Map<string, string[]>();
  for (const user of catalog.users) {
    const email = emailOf(user);
    if (!email) continue;
    const ref = stringifyEntityRef(user);
    const id = pagerDutyId(ref);
    userIds.set(ref, id);
    if (!pd.users.has(id)) {
      const profile = user.spec?.profile as { displayName?: string };
      pd.addUser({
        id,
        name: profile?.displayName ?? user.metadata.title ?? user.metadata.name,
        email,
      });
    }
    for (const relation of user.relations ?? []) {
      if (relation.type === RELATION_MEMBER_OF) {
        teams.set(relation.targetRef, [
          ...(teams.get(relation.targetRef) ?? []),
          ref,
        ]);
      }
    }
  }

  const handover = lastHandover(now);
  const added: string[] = [];
  for (const component of catalog.components) {
    const ids = pagerDutyServiceIds(component).filter(
      id => !pd.services.has(id),
    );
    const owner = component.spec?.owner;
    if (ids.length === 0 || typeof owner !== 'string') continue;
    const ownerRef = stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    );
    const members = (teams.get(ownerRef) ?? []).filter(m => userIds.has(m));
    const onCallNow = component.metadata.annotations?.[ANNOTATION_ON_CALL];
    const annotated =
      onCallNow &&
      stringifyEntityRef(
        parseEntityRef(onCallNow, {
          defaultKind: 'user',
          defaultNamespace: 'default',
        }),
      );
    // This week's primary first: the annotated person when on the team.
    const start = Math.max(0, members.indexOf(annotated ?? ''));
    const rotation = [...members.slice(start), ...members.slice(0, start)];
    if (annotated && userIds.has(annotated) && !rotation.includes(annotated)) {
      rotation.unshift(annotated);
    }
    if (rotation.length === 0) continue;
    const name = component.metadata.title ?? component.metadata.name;
    const schedule = (label: string, offset: number) => {
      const id = pagerDutyId(`${component.metadata.name} ${label}`);
      const handovers = [];
      for (let week = -WEEKS_BACK; week < WEEKS_AHEAD; week++) {
        const person =
          rotation[
            (((week + offset) % rotation.length) + rotation.length) %
              rotation.length
          ];
        handovers.push({
          at: new Date(handover + week * WEEK_MS).toISOString(),
          userId: userIds.get(person)!,
        });
      }
      pd.addSchedule({
        id,
        name: `${name} ${label}`,
        handovers,
        until: new Date(handover + WEEKS_AHEAD * WEEK_MS).toISOString(),
      });
      return id;
    };
    const primary = schedule('primary', 0);
    const secondary = schedule('secondary', 1);
    const policyId = pagerDutyId(`${component.metadata.name} escalation`);
    pd.addEscalationPolicy({
      id: policyId,
      name: `${name} escalation`,
      rules: [
        {
          escalationDelayInMinutes: 15,
          targets: [{ type: 'schedule', id: primary }],
        },
        {
          escalationDelayInMinutes: 15,
          targets: [{ type: 'schedule', id: secondary }],
        },
        {
          escalationDelayInMinutes: 30,
          targets: [
            // Whoever is third in the rotation, always: this week neither
            // the primary nor the secondary when the team has three.
            { type: 'user', id: userIds.get(rotation[2 % rotation.length])! },
          ],
        },
      ],
    });
    for (const id of ids) {
      pd.addService({ id, name, escalationPolicyId: policyId });
      added.push(id);
    }
    for (const seed of EXAMPLE_INCIDENTS[component.metadata.name] ?? []) {
      const openedAt = now.getTime() - seed.openedMinutesAgo * MINUTE_MS;
      const incident = pd.addIncident({
        title: seed.title,
        serviceId: ids[0],
        urgency: seed.urgency,
        createdAt: new Date(openedAt).toISOString(),
        status: seed.status === 'resolved' ? 'resolved' : 'triggered',
        resolvedAt:
          seed.resolvedAfterMinutes === undefined
            ? undefined
            : new Date(
                openedAt + seed.resolvedAfterMinutes * MINUTE_MS,
              ).toISOString(),
      });
      if (seed.status === 'acknowledged') {
        pd.acknowledgeIncident(incident.id);
      }
    }
  }
  return added;
}
