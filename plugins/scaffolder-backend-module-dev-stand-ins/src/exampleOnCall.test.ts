import { Entity } from '@backstage/catalog-model';
import { PagerDutyDouble } from '@internal/platform-api-doubles';
import { lastHandover, pagerDutyId, seedExampleOnCall } from './exampleOnCall';

const user = (name: string, team: string, email = true): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: {
    profile: {
      displayName: name.replace('-', ' '),
      ...(email ? { email: `${name}@acme-freight.example` } : {}),
    },
  },
  relations: [{ type: 'memberOf', targetRef: `group:default/${team}` }],
});

const component = (
  name: string,
  serviceId: string,
  onCall?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'pagerduty.com/service-id': serviceId,
      ...(onCall ? { 'paved-road.io/on-call': onCall } : {}),
    },
  },
  spec: { type: 'service', owner: 'fulfilment-team', lifecycle: 'production' },
});

describe('lastHandover', () => {
  it('is the last Monday 09:00 UTC', () => {
    const at = (iso: string) =>
      new Date(lastHandover(new Date(iso))).toISOString();
    // Monday 7 December 2026, before and after the handover.
    expect(at('2026-12-07T08:59:00Z')).toBe('2026-11-30T09:00:00.000Z');
    expect(at('2026-12-07T09:00:00Z')).toBe('2026-12-07T09:00:00.000Z');
    expect(at('2026-12-13T23:00:00Z')).toBe('2026-12-07T09:00:00.000Z');
  });
});

describe('seedExampleOnCall', () => {
  const now = new Date('2026-12-09T12:00:00Z');
  let pd: PagerDutyDouble;

  beforeEach(async () => {
    pd = await new PagerDutyDouble('token', { now: () => now }).start();
  });
  afterEach(() => pd.close());

  const oncalls = async (policyId: string) => {
    const res = await fetch(
      `${pd.url}/oncalls?escalation_policy_ids[]=${policyId}&include[]=users`,
      { headers: { Authorization: 'Token token=token' } },
    );
    return (await res.json()).oncalls as Array<{
      escalation_level: number;
      user: { email: string };
      end: string | null;
    }>;
  };

  it('puts the annotated person on call this week, the next one second, the one after third', async () => {
    const users = [
      user('marco-rossi', 'fulfilment-team'),
      user('lena-vogel', 'fulfilment-team'),
      user('samuel-oduya', 'fulfilment-team'),
      user('no-email', 'fulfilment-team', false),
    ];
    const added = seedExampleOnCall(
      pd,
      {
        users,
        components: [
          component('shipping-service', 'PSHP5Q1', 'lena-vogel'),
          component('orders-service', 'PORD7X2, PORDDB1'),
        ],
      },
      now,
    );
    expect(added).toEqual(['PSHP5Q1', 'PORD7X2', 'PORDDB1']);

    const policy = pd.services.get('PSHP5Q1')!.escalationPolicyId;
    const byLevel = (await oncalls(policy))
      .sort((a, b) => a.escalation_level - b.escalation_level)
      .map(o => [o.escalation_level, o.user.email, o.end]);
    expect(byLevel).toEqual([
      [1, 'lena-vogel@acme-freight.example', '2026-12-14T09:00:00Z'],
      [2, 'samuel-oduya@acme-freight.example', '2026-12-14T09:00:00Z'],
      [3, 'marco-rossi@acme-freight.example', null],
    ]);
    // Without an annotation, the rotation starts with the team's first member.
    const orders = await oncalls(
      pd.services.get('PORD7X2')!.escalationPolicyId,
    );
    expect(orders.find(o => o.escalation_level === 1)?.user.email).toBe(
      'marco-rossi@acme-freight.example',
    );
    expect(pd.users.has(pagerDutyId('user:default/no-email'))).toBe(false);
  });

  it('adds each service once, and the example incidents with it', () => {
    const catalog = {
      users: [user('chen-wei', 'fulfilment-team')],
      components: [component('checkout-service', 'PCHK2M6', 'chen-wei')],
    };
    expect(seedExampleOnCall(pd, catalog, now)).toEqual(['PCHK2M6']);
    expect(seedExampleOnCall(pd, catalog, now)).toEqual([]);
    expect(
      [...pd.incidents.values()].map(i => [i.serviceId, i.status, i.title]),
    ).toEqual([
      ['PCHK2M6', 'triggered', 'Checkout returns 502 for some card payments'],
    ]);
  });
});
