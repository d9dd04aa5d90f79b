import { ResponseError } from '@backstage/errors';
import {
  IncidentsAnswer,
  OnCallAnswer,
  OnCallIncident,
  OnCallShift,
} from '@internal/plugin-oncall-common';
import { OnCallApi } from '../api';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** An ISO time `ms` from now (negative: ago). */
export function fromNow(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

/** A backend error as the client throws it: the server's body parsed. */
export function responseError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        request: { method: 'GET', url: '/api/oncall' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

export function shift(
  name: string,
  extra: Partial<OnCallShift> & { email?: string; phone?: string } = {},
): OnCallShift {
  const { email, phone, ...rest } = extra;
  const slug = name.toLocaleLowerCase('en-US').replace(/ /g, '-');
  return {
    contact: {
      name,
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      url: `https://acme.pagerduty.example/users/${slug}`,
    },
    ...rest,
  };
}

/** A PagerDuty answer: a primary and a secondary, each with a next shift. */
export function pagerDutyAnswer(
  extra: Partial<OnCallAnswer> = {},
): OnCallAnswer {
  const handover = fromNow(5 * HOUR);
  return {
    entityRef: 'component:default/orders-service',
    providerId: 'pagerduty',
    fetchedAt: fromNow(0),
    stale: false,
    rotations: [
      {
        service: {
          id: 'PORD7X2',
          name: 'Orders API',
          url: 'https://acme.pagerduty.example/service-directory/PORD7X2',
        },
        escalationPolicy: {
          id: 'PEP1',
          name: 'Orders escalation',
          url: 'https://acme.pagerduty.example/escalation_policies/PEP1',
        },
        levels: [
          {
            level: 1,
            now: [
              shift('Ada Lovelace', {
                email: 'ada@acme-freight.example',
                phone: '+4915112345678',
                from: fromNow(-3 * HOUR),
                until: handover,
                schedule: { id: 'PS1', name: 'Orders primary' },
              }),
            ],
            next: [shift('Grace Hopper', { from: handover })],
          },
          {
            level: 2,
            now: [shift('Linus Torvalds', { until: handover })],
            next: [shift('Margaret Hamilton', { from: handover })],
          },
        ],
      },
    ],
    ...extra,
  };
}

export function annotationAnswer(
  contact: OnCallShift['contact'],
): OnCallAnswer {
  return {
    entityRef: 'component:default/orders-service',
    providerId: 'annotation',
    fetchedAt: fromNow(0),
    stale: false,
    rotations: [{ levels: [{ level: 1, now: [{ contact }], next: [] }] }],
  };
}

export function noneAnswer(entityRef: string): OnCallAnswer {
  return {
    entityRef,
    providerId: 'none',
    fetchedAt: fromNow(0),
    stale: false,
    rotations: [],
  };
}

export function incident(extra: Partial<OnCallIncident> = {}): OnCallIncident {
  return {
    id: 'Q0RIJJZL24RC6W',
    number: 123,
    title: 'Checkout returns 502',
    status: 'triggered',
    urgency: 'high',
    createdAt: fromNow(-12 * MINUTE - 5_000),
    url: 'https://acme.pagerduty.example/incidents/Q0RIJJZL24RC6W',
    service: { id: 'PORD7X2', name: 'Orders API' },
    ...extra,
  };
}

export function incidentsAnswer(
  incidents: OnCallIncident[],
  extra: Partial<IncidentsAnswer> = {},
): IncidentsAnswer {
  return {
    entityRef: 'component:default/orders-service',
    providerId: 'pagerduty',
    fetchedAt: fromNow(0),
    stale: false,
    incidents,
    ...extra,
  };
}

/** An on-call API whose methods are jest mocks: `overrides`, else fixtures. */
export function mockOnCallApi(
  overrides: Partial<OnCallApi> = {},
): jest.Mocked<OnCallApi> {
  return {
    getOnCall: jest.fn(async () => pagerDutyAnswer()),
    getIncidents: jest.fn(async () => incidentsAnswer([])),
    triggerIncident: jest.fn(async () => incident()),
    ...overrides,
  } as jest.Mocked<OnCallApi>;
}
