import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// DORA's real ingestion is what incidents must reach, once.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import doraPlugin from '@internal/plugin-dora-backend';
import type {
  DoraIncidentRow,
  DoraListResponse,
} from '@internal/plugin-dora-common';
import {
  PagerDutyDouble,
  postPagerDutyWebhook,
} from '@internal/platform-api-doubles';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import onCallPlugin from '@internal/plugin-oncall-backend';
import { AddressInfo } from 'node:net';
import { TOKEN, TestClock, startPagerDuty } from '../__testUtils__/pagerDuty';
import { onCallModulePagerDuty } from '../module';

jest.setTimeout(60_000);

const SECRET = 'whsec-test';
const ORDERS = 'component:default/orders-service';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders-service',
      namespace: 'default',
      annotations: { 'pagerduty.com/service-id': 'PORD7X2' },
    },
    spec: {
      type: 'service',
      owner: 'fulfilment-team',
      lifecycle: 'production',
    },
  },
];

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('PagerDuty incidents into DORA', () => {
  const clock = new TestClock();
  let pd: PagerDutyDouble;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let scheduler: SchedulerService;
  let base: string;

  // Captures the on-call plugin's scheduler to run the reconciliation now.
  const schedulerProbe = createBackendModule({
    pluginId: 'oncall',
    moduleId: 'test-scheduler-probe',
    register({ registerInit }) {
      registerInit({
        deps: { s: coreServices.scheduler },
        async init({ s }) {
          scheduler = s;
        },
      });
    },
  });

  beforeEach(async () => {
    clock.set('2026-11-25T08:00:00.000Z');
    pd = await startPagerDuty(clock);
    backend = await startTestBackend({
      features: [
        onCallPlugin,
        onCallModulePagerDuty,
        schedulerProbe,
        doraPlugin,
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        mockServices.rootConfig.factory({
          data: {
            oncall: {
              pagerduty: {
                apiBaseUrl: pd.url,
                token: TOKEN,
                webhookSecret: SECRET,
                maxRetries: 0,
                requestTimeoutSeconds: 1,
              },
            },
            dora: { ingestion: { allowedSubjects: ['plugin:oncall'] } },
          },
        }),
        catalogServiceMock.factory({ entities }),
      ],
    });
    base = `http://localhost:${
      (backend.server.address() as AddressInfo).port
    }/api`;
  });
  afterEach(async () => {
    await backend.stop();
    await pd.close();
  });

  const deliver = (payload: object, secret: string | false = SECRET) =>
    postPagerDutyWebhook(`${base}/oncall/pagerduty/webhooks`, payload, {
      secret,
    });

  async function doraIncidents(): Promise<DoraIncidentRow[]> {
    const res = await fetch(
      `${base}/dora/incidents?scope=service&ref=${ORDERS}&from=2026-11-01T00:00:00Z&to=${new Date(
        Date.now() + 86_400_000,
      ).toISOString()}`,
      { headers: { Authorization: mockCredentials.user.header() } },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as DoraListResponse<DoraIncidentRow>).items;
  }

  it('records a signed incident event once, however often it is delivered', async () => {
    const incident = pd.addIncident({
      title: 'Orders API 500s',
      serviceId: 'PORD7X2',
    });
    const payload = pd.webhookEvent(incident.id, 'incident.triggered');

    const first = await deliver(payload);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({
      status: 'recorded',
      created: 1,
    });
    // PagerDuty retries, an attacker replays: the same state is a duplicate.
    const again = await deliver(payload);
    expect(JSON.parse(again.text)).toMatchObject({ created: 0, duplicates: 1 });

    expect(await doraIncidents()).toEqual([
      expect.objectContaining({
        service: ORDERS,
        openedAt: '2026-11-25T08:00:00.000Z',
        resolvedAt: null,
        externalId: `pagerduty:${incident.id}`,
        title: `#${incident.number} Orders API 500s`,
      }),
    ]);
  });

  it('refuses unsigned and wrongly signed deliveries before reading anything', async () => {
    const incident = pd.addIncident({ title: 'x', serviceId: 'PORD7X2' });
    const payload = pd.webhookEvent(incident.id, 'incident.triggered');
    const before = pd.requests.length;

    const unsigned = await deliver(payload, false);
    expect(unsigned.status).toBe(401);
    expect(unsigned.text).toContain('Missing X-PagerDuty-Signature');
    const forged = await deliver(payload, 'not-the-secret');
    expect(forged.status).toBe(401);
    expect(forged.text).toContain('Invalid X-PagerDuty-Signature');

    expect(pd.requests.length).toBe(before);
    expect(await doraIncidents()).toEqual([]);
  });

  it('ends with the incident as PagerDuty has it when deliveries arrive out of order', async () => {
    const incident = pd.addIncident({ title: 'Slow', serviceId: 'PORD7X2' });
    const triggered = pd.webhookEvent(incident.id, 'incident.triggered');
    clock.advance(45 * 60_000);
    pd.resolveIncident(incident.id);
    const resolved = pd.webhookEvent(incident.id, 'incident.resolved');

    expect((await deliver(resolved)).status).toBe(200);
    // The older event, late: it must not re-open the incident.
    expect((await deliver(triggered)).status).toBe(200);

    expect(await doraIncidents()).toEqual([
      expect.objectContaining({
        openedAt: '2026-11-25T08:00:00.000Z',
        resolvedAt: '2026-11-25T08:45:00.000Z',
      }),
    ]);
  });

  it('ignores services no Component names, and events other than incidents', async () => {
    pd.addService({
      id: 'PUNKNWN',
      name: 'not in the catalog',
      escalationPolicyId: 'PEPORD1',
    });
    const stray = pd.addIncident({ title: 'x', serviceId: 'PUNKNWN' });
    const ignored = await deliver(
      pd.webhookEvent(stray.id, 'incident.triggered'),
    );
    expect(ignored.status).toBe(202);
    expect(ignored.text).toContain(
      'no catalog Component annotated pagerduty.com/service-id: PUNKNWN',
    );
    const ping = await deliver({
      event: { event_type: 'pagey.ping', resource_type: 'pagey', data: {} },
    });
    expect(ping.status).toBe(200);
    expect(await doraIncidents()).toEqual([]);
  });

  it('answers 503 while PagerDuty is down (it retries), and reconciliation fills the gap', async () => {
    // Reconciliation looks back from the present.
    clock.set(new Date(Date.now() - 60_000).toISOString());
    const incident = pd.addIncident({ title: 'Down', serviceId: 'PORD7X2' });
    const payload = pd.webhookEvent(incident.id, 'incident.triggered');
    pd.down();
    const refused = await deliver(payload);
    expect(refused.status).toBe(503);
    expect(await doraIncidents()).toEqual([]);

    pd.up();
    // The same incident resolved meanwhile: one incident, resolved.
    pd.resolveIncident(incident.id);
    await scheduler.triggerTask('pagerduty-incidents-to-dora');
    for (let i = 0; i < 100 && (await doraIncidents()).length === 0; i++) {
      await new Promise(r => setTimeout(r, 100));
    }
    expect(await doraIncidents()).toEqual([
      expect.objectContaining({
        externalId: `pagerduty:${incident.id}`,
        resolvedAt: expect.any(String),
      }),
    ]);
  });

  it('links the incident to the deployment its incident_key names', async () => {
    const res = await fetch(`${base}/dora/events`, {
      method: 'POST',
      headers: {
        Authorization: mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('plugin:oncall'),
          targetPluginId: 'dora',
        }),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        events: [
          {
            type: 'deployment',
            idempotencyKey: 'orders-2026-11-24.1',
            service: ORDERS,
            environment: 'production',
            status: 'success',
            finishedAt: '2026-11-24T10:00:00Z',
          },
          {
            type: 'deployment',
            idempotencyKey: 'orders-2026-11-25.1',
            service: ORDERS,
            environment: 'production',
            status: 'success',
            finishedAt: '2026-11-25T07:50:00Z',
          },
        ],
      }),
    });
    expect(res.status).toBe(201);
    // The day-old deployment, not the one ten minutes before.
    const incident = pd.addIncident({
      title: 'Bad migration',
      serviceId: 'PORD7X2',
      incidentKey: 'deployment:orders-2026-11-24.1',
    });
    await deliver(pd.webhookEvent(incident.id, 'incident.triggered'));
    const [stored] = await doraIncidents();
    expect(stored.linkMethod).toBe('explicit');
  });
});
