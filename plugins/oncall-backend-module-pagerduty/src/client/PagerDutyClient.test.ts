import {
  PagerDutyDouble,
  RecordedRequest,
} from '@internal/platform-api-doubles';
import {
  TOKEN,
  TestClock,
  startPagerDuty,
  testClient,
} from '../__testUtils__/pagerDuty';
import { rateLimitWaitMs } from './PagerDutyClient';

/** The gaps between the requests the double saw, in ms. */
const gaps = (requests: RecordedRequest[]) =>
  requests.slice(1).map((r, i) => r.at - requests[i].at);

/** setTimeout may wake a millisecond early by Date.now(). */
const TOLERANCE_MS = 2;

describe('PagerDutyClient', () => {
  let clock: TestClock;
  let pd: PagerDutyDouble;

  beforeEach(async () => {
    clock = new TestClock();
    pd = await startPagerDuty(clock);
  });
  afterEach(() => pd.close());

  it('sends the token and asks for version 2', async () => {
    const service = await testClient(pd).getService('PORD7X2');
    expect(service).toMatchObject({
      id: 'PORD7X2',
      name: 'orders-service',
      escalation_policy: { id: 'PEPORD1' },
    });
    expect(pd.requests[0].headers).toMatchObject({
      authorization: `Token token=${TOKEN}`,
      accept: 'application/vnd.pagerduty+json;version=2',
    });
  });

  it('pages through more than 100 incidents with limit=100 until more is false', async () => {
    for (let i = 0; i < 130; i++) {
      pd.addIncident({
        title: `Incident ${i}`,
        serviceId: 'PORD7X2',
        createdAt: new Date(
          Date.parse(clock.now().toISOString()) - (i + 1) * 60_000,
        ).toISOString(),
        status: 'resolved',
      });
    }
    const incidents = await testClient(pd).listIncidents({
      serviceIds: ['PORD7X2'],
      since: new Date('2026-11-20T00:00:00Z'),
      until: clock.now(),
    });
    expect(incidents).toHaveLength(130);
    expect(incidents[0].title).toBe('Incident 0');
    expect(incidents[129].title).toBe('Incident 129');
    expect(
      pd.requests.map(r => [r.query.get('limit'), r.query.get('offset')]),
    ).toEqual([
      ['100', '0'],
      ['100', '100'],
    ]);
    expect(pd.requests[0].query.getAll('service_ids[]')).toEqual(['PORD7X2']);
  });

  describe('when rate-limited', () => {
    it('waits as long as ratelimit-reset says, then succeeds', async () => {
      pd.rateLimitNext(2, { resetSeconds: 5 });
      const service = await testClient(pd).getService('PORD7X2');
      expect(service.id).toBe('PORD7X2');
      expect(pd.requests).toHaveLength(3);
      // 5 s, scaled by 1/100 in tests.
      for (const gap of gaps(pd.requests)) {
        expect(gap).toBeGreaterThanOrEqual(50 - TOLERANCE_MS);
      }
    });

    it('waits as long as Retry-After says when there is no ratelimit-reset', async () => {
      pd.respondNext(1, {
        status: 429,
        headers: { 'retry-after': '4' },
        body: { error: { message: 'Rate Limit Exceeded', code: 2020 } },
      });
      await testClient(pd).getService('PORD7X2');
      expect(pd.requests).toHaveLength(2);
      expect(gaps(pd.requests)[0]).toBeGreaterThanOrEqual(40 - TOLERANCE_MS);
    });

    it('backs off exponentially after a bare 429', async () => {
      pd.rateLimitNext(2, { bare: true });
      await testClient(pd, { waitScale: 0.05 }).getService('PORD7X2');
      expect(pd.requests).toHaveLength(3);
      // 1 s then 2 s, each with up to half taken off as jitter.
      const [first, second] = gaps(pd.requests);
      expect(first).toBeGreaterThanOrEqual(25 - TOLERANCE_MS);
      expect(second).toBeGreaterThanOrEqual(50 - TOLERANCE_MS);
    });

    it('gives up with ServiceUnavailableError after maxRetries', async () => {
      pd.rateLimitNext(5, { resetSeconds: 1, retryAfter: true });
      await expect(
        testClient(pd, { maxRetries: 3 }).getService('PORD7X2'),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message:
          'PagerDuty unreachable: still rate-limited (429) after 3 retries of GET /services/PORD7X2',
      });
      expect(pd.requests).toHaveLength(4);
    });

    it('gives up at once when asked to wait longer than the configured maximum', async () => {
      pd.rateLimitNext(1, { resetSeconds: 60 });
      await expect(
        testClient(pd, { maxRetryWaitMs: 10_000 }).getService('PORD7X2'),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining(
          'ratelimit-reset asks to wait 60 s, more than oncall.pagerduty.maxRetryWaitSeconds (10 s)',
        ),
      });
      expect(pd.requests).toHaveLength(1);
    });

    it('reads ratelimit-reset before Retry-After, and Retry-After as seconds or a date', () => {
      const now = Date.parse('2026-11-25T08:00:00Z');
      const wait = (headers: Record<string, string>) =>
        rateLimitWaitMs(new Headers(headers), now);
      expect(wait({ 'ratelimit-reset': '2', 'retry-after': '9' })).toEqual({
        ms: 2000,
        header: 'ratelimit-reset',
      });
      expect(wait({ 'retry-after': '3' })).toEqual({
        ms: 3000,
        header: 'Retry-After',
      });
      expect(wait({ 'retry-after': 'Wed, 25 Nov 2026 08:00:07 GMT' })).toEqual({
        ms: 7000,
        header: 'Retry-After',
      });
      expect(wait({ 'ratelimit-reset': String(now / 1000 + 4) })).toEqual({
        ms: 4000,
        header: 'ratelimit-reset',
      });
      expect(wait({})).toBeUndefined();
    });
  });

  describe('refusals', () => {
    it('names the token key, never the token, when PagerDuty refuses it', async () => {
      const error = await testClient(pd, { token: 'not-the-token' })
        .getService('PORD7X2')
        .catch(e => e);
      expect(error.name).toBe('NotAllowedError');
      expect(error.message).toBe(
        'PagerDuty answered 401 Unauthorized to GET /services/PORD7X2: Authentication failed. The API key in oncall.pagerduty.token is missing, invalid or revoked; set a valid PagerDuty REST API key there.',
      );
      expect(error.message).not.toContain('not-the-token');
    });

    it('says a 403 on a write may come from a read-only key', async () => {
      pd.failNext(1, 403, { error: { message: 'Access Denied', code: 2010 } });
      await expect(
        testClient(pd).createIncident({
          from: 'lena.vogel@acme-freight.example',
          serviceId: 'PORD7X2',
          title: 'Checkout returns 502',
        }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'oncall.pagerduty.token may not do this (a read-only key cannot open incidents)',
        ),
      });
    });

    it('maps 404 to NotFoundError naming what was looked up', async () => {
      await expect(testClient(pd).getService('PNOPE00')).rejects.toMatchObject({
        name: 'NotFoundError',
        message:
          'PagerDuty has no service PNOPE00 (PagerDuty answered 404 Not Found to GET /services/PNOPE00: Not Found)',
      });
    });

    it('maps 400 to InputError with PagerDuty’s message', async () => {
      await expect(
        testClient(pd).listIncidents({
          serviceIds: ['PORD7X2'],
          since: new Date('2025-11-25T00:00:00Z'),
          until: clock.now(),
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message:
          'PagerDuty answered 400 Bad Request to GET /incidents: Invalid Input Provided (The date range must be at most 6 months)',
      });
    });

    it('maps 5xx, refused connections, resets and timeouts to "PagerDuty unreachable"', async () => {
      const client = testClient(pd, { requestTimeoutMs: 200 });
      pd.failNext(1, 502, { error: { message: 'Bad Gateway', code: 2000 } });
      await expect(client.getService('PORD7X2')).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message:
          'PagerDuty unreachable: PagerDuty answered 502 Bad Gateway to GET /services/PORD7X2: Bad Gateway',
      });

      pd.breakNext(1, 'hang');
      await expect(client.getService('PORD7X2')).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /^PagerDuty unreachable: no answer within 0.2 s on GET \/services\/PORD7X2/,
        ),
      });

      pd.breakNext(1, 'reset');
      await expect(client.getService('PORD7X2')).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(/^PagerDuty unreachable: /),
      });

      await pd.down('refused');
      await expect(client.getService('PORD7X2')).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: `PagerDuty unreachable: ECONNREFUSED on GET /services/PORD7X2 (${pd.url}; check oncall.pagerduty.apiBaseUrl)`,
      });
    });
  });

  it('creates an incident in the name of the From user', async () => {
    const incident = await testClient(pd).createIncident({
      from: 'lena.vogel@acme-freight.example',
      serviceId: 'PORD7X2',
      title: 'Checkout returns 502',
      details: 'Since 07:55, 40 % of calls',
      urgency: 'high',
      incidentKey: 'orders-502',
    });
    expect(incident).toMatchObject({
      title: 'Checkout returns 502',
      status: 'triggered',
      incident_key: 'orders-502',
      service: { id: 'PORD7X2' },
    });
    const [write] = pd.writes();
    expect(write.headers.from).toBe('lena.vogel@acme-freight.example');
    expect(pd.incidents.get(incident.id)).toMatchObject({
      createdById: 'PLENA01',
      details: 'Since 07:55, 40 % of calls',
    });
  });
});
