import { Entity } from '@backstage/catalog-model';
import { PagerDutyDouble } from '@internal/platform-api-doubles';
import { PagerDutyClient } from '../client/PagerDutyClient';

export const TOKEN = 'pd-test-token';
export const T0 = '2026-11-25T08:00:00.000Z';

/** A clock both the double and the provider read, moved by tests. */
export class TestClock {
  private time: number;

  constructor(iso = T0) {
    this.time = Date.parse(iso);
  }

  now = () => new Date(this.time);

  set(iso: string) {
    this.time = Date.parse(iso);
  }

  advance(ms: number) {
    this.time += ms;
  }
}

/**
 * Acme Freight's orders team in PagerDuty:
 *
 * - `orders-service` (PORD7X2) → "Orders escalation" (PEPORD1): level 1 the
 *   "Orders primary" schedule (Marco until 25 Nov 09:00, then Chen until
 *   27 Nov 09:00, then Marco until 29 Nov), level 2 "Orders secondary"
 *   (Lena, with a phone, until 28 Nov 09:00, then Amira), level 3 Sofia
 *   (the engineering manager, a user target: always on call).
 * - `orders-database` (PORDDB1) → "Orders DB escalation" (PEPODB1): level 1
 *   Chen, directly.
 */
export async function startPagerDuty(clock: TestClock) {
  const pd = await new PagerDutyDouble(TOKEN, { now: clock.now }).start();
  pd.addUser({
    id: 'PMARCO1',
    name: 'Marco Rossi',
    email: 'marco.rossi@acme-freight.example',
  })
    .addUser({
      id: 'PCHEN01',
      name: 'Chen Wei',
      email: 'chen.wei@acme-freight.example',
    })
    .addUser({
      id: 'PLENA01',
      name: 'Lena Vogel',
      email: 'lena.vogel@acme-freight.example',
      phone: { countryCode: 49, address: '15112345678' },
    })
    .addUser({
      id: 'PAMIRA1',
      name: 'Amira Haddad',
      email: 'amira.haddad@acme-freight.example',
    })
    .addUser({
      id: 'PSOFIA1',
      name: 'Sofia Lindqvist',
      email: 'sofia.lindqvist@acme-freight.example',
      phone: { countryCode: 46, address: '701234567' },
    })
    .addUser({
      id: 'PBOT001',
      name: 'Paved Road',
      email: 'paved-road@acme-freight.example',
    })
    .addSchedule({
      id: 'PSCHORD',
      name: 'Orders primary',
      handovers: [
        { at: '2026-11-23T09:00:00Z', userId: 'PMARCO1' },
        { at: '2026-11-25T09:00:00Z', userId: 'PCHEN01' },
        { at: '2026-11-27T09:00:00Z', userId: 'PMARCO1' },
      ],
      until: '2026-11-29T09:00:00Z',
    })
    .addSchedule({
      id: 'PSCHOR2',
      name: 'Orders secondary',
      handovers: [
        { at: '2026-11-21T09:00:00Z', userId: 'PLENA01' },
        { at: '2026-11-28T09:00:00Z', userId: 'PAMIRA1' },
      ],
      until: '2026-12-05T09:00:00Z',
    })
    .addEscalationPolicy({
      id: 'PEPORD1',
      name: 'Orders escalation',
      rules: [
        { targets: [{ type: 'schedule', id: 'PSCHORD' }] },
        { targets: [{ type: 'schedule', id: 'PSCHOR2' }] },
        { targets: [{ type: 'user', id: 'PSOFIA1' }] },
      ],
    })
    .addEscalationPolicy({
      id: 'PEPODB1',
      name: 'Orders DB escalation',
      rules: [{ targets: [{ type: 'user', id: 'PCHEN01' }] }],
    })
    .addService({
      id: 'PORD7X2',
      name: 'orders-service',
      escalationPolicyId: 'PEPORD1',
    })
    .addService({
      id: 'PORDDB1',
      name: 'orders-database',
      escalationPolicyId: 'PEPODB1',
    });
  return pd;
}

/** A client for the double that waits 1/100 of what PagerDuty asks. */
export function testClient(
  pd: PagerDutyDouble,
  options: Partial<ConstructorParameters<typeof PagerDutyClient>[0]> = {},
) {
  return new PagerDutyClient({
    baseUrl: pd.url,
    token: TOKEN,
    waitScale: 0.01,
    requestTimeoutMs: 1000,
    ...options,
  });
}

export function component(
  serviceIds?: string,
  name = 'orders-service',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations:
        serviceIds === undefined
          ? {}
          : { 'pagerduty.com/service-id': serviceIds },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'orders-team' },
  };
}
