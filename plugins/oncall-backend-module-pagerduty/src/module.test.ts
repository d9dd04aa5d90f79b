import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PagerDutyDouble } from '@internal/platform-api-doubles';
// The on-call backend is what serves a stale answer while PagerDuty fails.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import onCallPlugin from '@internal/plugin-oncall-backend';
import { AddressInfo } from 'node:net';
import {
  OnCallProvider,
  onCallProvidersExtensionPoint,
} from '@internal/plugin-oncall-node';
import {
  TOKEN,
  TestClock,
  component,
  startPagerDuty,
} from './__testUtils__/pagerDuty';
import { onCallModulePagerDuty } from './module';

describe('onCallModulePagerDuty', () => {
  let pd: PagerDutyDouble;
  const clock = new TestClock();

  beforeEach(async () => {
    pd = await startPagerDuty(clock);
  });
  afterEach(() => pd.close());

  /** The providers the module adds, started with `config`. */
  async function providersWith(config: object): Promise<OnCallProvider[]> {
    const addProvider = jest.fn();
    const backend = await startTestBackend({
      extensionPoints: [[onCallProvidersExtensionPoint, { addProvider }]],
      features: [
        onCallModulePagerDuty,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    await backend.stop();
    return addProvider.mock.calls.flat();
  }

  it('adds the PagerDuty provider, configured from oncall.pagerduty', async () => {
    const providers = await providersWith({
      oncall: { pagerduty: { apiBaseUrl: pd.url, token: TOKEN } },
    });
    expect(providers.map(p => p.id)).toEqual(['pagerduty']);
    const [provider] = providers;
    expect(provider.answers(component())).toBe(false);
    const [rotation] = await provider.onCallNow(component('PORD7X2'), {
      now: clock.now(),
    });
    expect(rotation.levels[0].now[0].contact.name).toBe('Marco Rossi');
    expect(pd.requests[0].headers.authorization).toBe(`Token token=${TOKEN}`);
  });

  it('refuses to start without oncall.pagerduty.token', async () => {
    await expect(
      providersWith({ oncall: { pagerduty: { apiBaseUrl: pd.url } } }),
    ).rejects.toThrow(/oncall\.pagerduty\.token is not set/);
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('onCallModulePagerDuty with the on-call backend', () => {
  // The backend asks with its own clock, the present: the double's stands
  // where the backend started. PORDDB1's level 1 is Chen, directly, so who
  // is on call does not depend on the date.
  const clock = new TestClock();
  const entity: Entity = component('PORDDB1', 'orders-database');
  const path = '/oncall/entities/component/default/orders-database';
  let pd: PagerDutyDouble;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let base: string;

  beforeEach(async () => {
    clock.set(new Date().toISOString());
    pd = await startPagerDuty(clock);
    backend = await startTestBackend({
      features: [
        onCallPlugin,
        onCallModulePagerDuty,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            oncall: {
              pagerduty: {
                apiBaseUrl: pd.url,
                token: TOKEN,
                // Every question reaches PagerDuty: no TTL hides a failure.
                cacheTtlSeconds: 0,
                maxRetries: 0,
                requestTimeoutSeconds: 1,
                doraIncidents: { enabled: false },
              },
            },
          },
        }),
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

  async function get(suffix = '') {
    const res = await fetch(`${base}${path}${suffix}`, {
      headers: { Authorization: mockCredentials.user.header() },
    });
    return { status: res.status, body: await res.json() };
  }

  /**
   * The staleReason of a failed GET `request`: `detail` is a regular
   * expression (a connection kept alive fails as UND_ERR_SOCKET, a new one
   * as ECONNREFUSED).
   */
  const staleReason = (detail: string, request = '/services/PORDDB1') =>
    new RegExp(
      `^${escape('PagerDuty unreachable: ')}${detail}${escape(
        ` on GET ${request} (${pd.url}; check oncall.pagerduty.apiBaseUrl)`,
      )}$`,
    );

  it('serves the last answer, stale with its age, while PagerDuty is down, and a fresh one when it is back', async () => {
    const fresh = await get();
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({
      entityRef: 'component:default/orders-database',
      providerId: 'pagerduty',
      stale: false,
    });
    expect(fresh.body.staleReason).toBeUndefined();
    expect(fresh.body.rotations[0].levels[0].now[0].contact.name).toBe(
      'Chen Wei',
    );

    await pd.down('refused');
    const stale = await get();
    expect(stale.status).toBe(200);
    expect(stale.body).toEqual({
      ...fresh.body,
      stale: true,
      staleReason: expect.stringMatching(
        staleReason('(ECONNREFUSED|UND_ERR_SOCKET)'),
      ),
    });

    await pd.up();
    const again = await get();
    expect(again.body).toMatchObject({ stale: false });
    expect(Date.parse(again.body.fetchedAt)).toBeGreaterThan(
      Date.parse(fresh.body.fetchedAt),
    );
  });

  it('serves the last answer while PagerDuty keeps rate-limiting (429) or hangs', async () => {
    const fresh = await get();

    pd.rateLimitNext(1, { resetSeconds: 1 });
    const limited = await get();
    expect(limited.status).toBe(200);
    expect(limited.body).toMatchObject({
      stale: true,
      fetchedAt: fresh.body.fetchedAt,
      rotations: fresh.body.rotations,
      staleReason:
        'PagerDuty unreachable: still rate-limited (429) after 0 retries of GET /services/PORDDB1',
    });

    pd.breakNext(1, 'hang');
    const hung = await get();
    expect(hung.body).toMatchObject({
      stale: true,
      fetchedAt: fresh.body.fetchedAt,
      staleReason: expect.stringMatching(staleReason('no answer within 1 s')),
    });
  });

  it('answers 503 when PagerDuty is down and nothing was known', async () => {
    await pd.down('refused');
    const res = await get();
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      name: 'ServiceUnavailableError',
      message: `PagerDuty unreachable: ECONNREFUSED on GET /services/PORDDB1 (${pd.url}; check oncall.pagerduty.apiBaseUrl)`,
    });
  });

  it('shows a refused key rather than the last answer', async () => {
    await get();
    pd.failNext(1, 401, { error: { message: 'Unauthorized', code: 2006 } });
    const res = await get();
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'The API key in oncall.pagerduty.token is missing, invalid or revoked',
      ),
    });
  });

  it('serves the last incidents, stale with their age, while PagerDuty is down', async () => {
    pd.addIncident({
      title: 'Orders DB disk full',
      serviceId: 'PORDDB1',
      createdAt: new Date(clock.now().getTime() - 5 * 60_000).toISOString(),
    });
    const fresh = await get('/incidents?days=7');
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ providerId: 'pagerduty', stale: false });
    expect(fresh.body.incidents.map((i: { title: string }) => i.title)).toEqual(
      ['Orders DB disk full'],
    );

    await pd.down('refused');
    const stale = await get('/incidents?days=7');
    expect(stale.status).toBe(200);
    expect(stale.body).toEqual({
      ...fresh.body,
      stale: true,
      staleReason: expect.stringMatching(
        staleReason('(ECONNREFUSED|UND_ERR_SOCKET)', '/incidents'),
      ),
    });
  });
});
