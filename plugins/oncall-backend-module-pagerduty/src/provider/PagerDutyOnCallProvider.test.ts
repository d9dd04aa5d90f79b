import { PagerDutyDouble } from '@internal/platform-api-doubles';
import {
  T0,
  TestClock,
  component,
  startPagerDuty,
  testClient,
} from '../__testUtils__/pagerDuty';
import { PagerDutyClient } from '../client/PagerDutyClient';
import { InMemoryOnCallAnswerCache, OnCallAnswerCache } from './cache';
import {
  PagerDutyOnCallProvider,
  PagerDutyOnCallProviderOptions,
  pagerDutyServiceIds,
} from './PagerDutyOnCallProvider';

const PD_WEB = 'https://acme-freight.pagerduty.com';

const marco = {
  name: 'Marco Rossi',
  email: 'marco.rossi@acme-freight.example',
  url: `${PD_WEB}/users/PMARCO1`,
};
const chen = {
  name: 'Chen Wei',
  email: 'chen.wei@acme-freight.example',
  url: `${PD_WEB}/users/PCHEN01`,
};
const lena = {
  name: 'Lena Vogel',
  email: 'lena.vogel@acme-freight.example',
  phone: '+4915112345678',
  url: `${PD_WEB}/users/PLENA01`,
};
const amira = {
  name: 'Amira Haddad',
  email: 'amira.haddad@acme-freight.example',
  url: `${PD_WEB}/users/PAMIRA1`,
};
const sofia = {
  name: 'Sofia Lindqvist',
  email: 'sofia.lindqvist@acme-freight.example',
  phone: '+46701234567',
  url: `${PD_WEB}/users/PSOFIA1`,
};
const primary = {
  id: 'PSCHORD',
  name: 'Orders primary',
  url: `${PD_WEB}/schedules/PSCHORD`,
};
const secondary = {
  id: 'PSCHOR2',
  name: 'Orders secondary',
  url: `${PD_WEB}/schedules/PSCHOR2`,
};

describe('PagerDutyOnCallProvider', () => {
  let clock: TestClock;
  let pd: PagerDutyDouble;

  beforeEach(async () => {
    clock = new TestClock();
    pd = await startPagerDuty(clock);
  });
  afterEach(() => pd.close());

  function makeProvider(
    options: Partial<PagerDutyOnCallProviderOptions> & {
      client?: PagerDutyClient;
    } = {},
  ) {
    return PagerDutyOnCallProvider.create({
      client: testClient(pd),
      fromEmail: 'paved-road@acme-freight.example',
      clock: clock.now,
      ...options,
    });
  }
  const now = () => ({ now: clock.now() });
  const orders = component('PORD7X2');

  describe('answers', () => {
    it('for entities with pagerduty.com/service-id only', () => {
      const provider = makeProvider();
      expect(provider.answers(orders)).toBe(true);
      expect(provider.answers(component('PORD7X2, PORDDB1'))).toBe(true);
      expect(provider.answers(component())).toBe(false);
      expect(provider.answers(component(''))).toBe(false);
      expect(provider.answers(component(' , '))).toBe(false);
      expect(pd.requests).toHaveLength(0);
    });

    it('reads several comma-separated ids, in order, without blanks or repeats', () => {
      expect(
        pagerDutyServiceIds(component(' PORD7X2 ,PORDDB1,, PORD7X2')),
      ).toEqual(['PORD7X2', 'PORDDB1']);
    });

    it('refuses an entity without the annotation, or with something else than ids in it', async () => {
      const provider = makeProvider();
      await expect(
        provider.onCallNow(component(), now()),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message:
          'component:default/orders-service has no pagerduty.com/service-id annotation',
      });
      await expect(
        provider.onCallNow(component('../users/PMARCO1'), now()),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      expect(pd.requests).toHaveLength(0);
    });
  });

  describe('onCallNow', () => {
    it('tells who is on call now and next at each escalation level, with contacts and links', async () => {
      expect(await makeProvider().onCallNow(orders, now())).toEqual([
        {
          service: {
            id: 'PORD7X2',
            name: 'orders-service',
            url: `${PD_WEB}/service-directory/PORD7X2`,
          },
          escalationPolicy: {
            id: 'PEPORD1',
            name: 'Orders escalation',
            url: `${PD_WEB}/escalation_policies/PEPORD1`,
          },
          levels: [
            {
              level: 1,
              now: [
                {
                  contact: marco,
                  from: '2026-11-23T09:00:00.000Z',
                  until: '2026-11-25T09:00:00.000Z',
                  schedule: primary,
                },
              ],
              next: [
                {
                  contact: chen,
                  from: '2026-11-25T09:00:00.000Z',
                  until: '2026-11-27T09:00:00.000Z',
                  schedule: primary,
                },
              ],
            },
            {
              level: 2,
              now: [
                {
                  contact: lena,
                  from: '2026-11-21T09:00:00.000Z',
                  until: '2026-11-28T09:00:00.000Z',
                  schedule: secondary,
                },
              ],
              next: [
                {
                  contact: amira,
                  from: '2026-11-28T09:00:00.000Z',
                  until: '2026-12-05T09:00:00.000Z',
                  schedule: secondary,
                },
              ],
            },
            // A user the policy targets directly: always on call.
            { level: 3, now: [{ contact: sofia }], next: [] },
          ],
        },
      ]);
      // Contact methods only for the users PagerDuty says have a phone.
      expect(
        pd.requests
          .filter(r => r.path.endsWith('/contact_methods'))
          .map(r => r.path)
          .sort(),
      ).toEqual([
        '/users/PLENA01/contact_methods',
        '/users/PSOFIA1/contact_methods',
      ]);
    });

    it('follows a schedule handover as the clock moves', async () => {
      const provider = makeProvider();
      clock.set('2026-11-25T09:00:00Z');
      const [rotation] = await provider.onCallNow(orders, now());
      expect(rotation.levels[0]).toEqual({
        level: 1,
        now: [
          {
            contact: chen,
            from: '2026-11-25T09:00:00.000Z',
            until: '2026-11-27T09:00:00.000Z',
            schedule: primary,
          },
        ],
        next: [
          {
            contact: marco,
            from: '2026-11-27T09:00:00.000Z',
            until: '2026-11-29T09:00:00.000Z',
            schedule: primary,
          },
        ],
      });

      // After the schedule's last shift: nobody at level 1, the levels stay.
      clock.set('2026-11-29T10:00:00Z');
      const [later] = await provider.onCallNow(orders, now());
      expect(later.levels.map(l => l.now.map(s => s.contact.name))).toEqual([
        [],
        ['Amira Haddad'],
        ['Sofia Lindqvist'],
      ]);
    });

    it('reads a handover to the same person as one shift', async () => {
      pd.addSchedule({
        id: 'PSCHTWO',
        name: 'Two layers',
        handovers: [
          { at: '2026-11-24T09:00:00Z', userId: 'PMARCO1' },
          { at: '2026-11-25T09:00:00Z', userId: 'PMARCO1' },
          { at: '2026-11-26T09:00:00Z', userId: 'PCHEN01' },
        ],
        until: '2026-11-27T09:00:00Z',
      })
        .addEscalationPolicy({
          id: 'PEPTWO1',
          name: 'Two layers',
          rules: [{ targets: [{ type: 'schedule', id: 'PSCHTWO' }] }],
        })
        .addService({
          id: 'PTWO001',
          name: 'billing-service',
          escalationPolicyId: 'PEPTWO1',
        });
      const [rotation] = await makeProvider().onCallNow(
        component('PTWO001', 'billing-service'),
        now(),
      );
      expect(
        rotation.levels[0].now.map(s => [s.contact.name, s.from, s.until]),
      ).toEqual([
        ['Marco Rossi', '2026-11-24T09:00:00.000Z', '2026-11-26T09:00:00.000Z'],
      ]);
      expect(
        rotation.levels[0].next.map(s => [s.contact.name, s.from, s.until]),
      ).toEqual([
        ['Chen Wei', '2026-11-26T09:00:00.000Z', '2026-11-27T09:00:00.000Z'],
      ]);
    });

    it('reuses an answer within the TTL, but never past the next handover', async () => {
      const provider = makeProvider({ cacheTtlMs: 60_000 });
      clock.set('2026-11-25T08:59:30Z');
      await provider.onCallNow(orders, now());
      const asked = pd.requests.length;

      clock.set('2026-11-25T08:59:50Z');
      const [cached] = await provider.onCallNow(orders, now());
      expect(cached.levels[0].now[0].contact.name).toBe('Marco Rossi');
      expect(pd.requests).toHaveLength(asked);

      // 40 s later, within the TTL, but Marco's shift ended at 09:00.
      clock.set('2026-11-25T09:00:10Z');
      const [handedOver] = await provider.onCallNow(orders, now());
      expect(handedOver.levels[0].now[0].contact.name).toBe('Chen Wei');
      expect(pd.requests.length).toBeGreaterThan(asked);
    });

    it('reads every page of on-calls (more than 100)', async () => {
      // An hourly rotation: 150 shifts in the horizon at level 1, so the
      // level 2 on-call comes on the second page.
      pd.addSchedule({
        id: 'PSCHSUN',
        name: 'Follow the sun',
        handovers: Array.from({ length: 150 }, (_, i) => ({
          at: new Date(Date.parse(T0) + (i - 1) * 3_600_000).toISOString(),
          userId: i % 2 ? 'PCHEN01' : 'PMARCO1',
        })),
        until: new Date(Date.parse(T0) + 149 * 3_600_000).toISOString(),
      })
        .addEscalationPolicy({
          id: 'PEPSUN1',
          name: 'Follow the sun',
          rules: [
            { targets: [{ type: 'schedule', id: 'PSCHSUN' }] },
            { targets: [{ type: 'user', id: 'PAMIRA1' }] },
          ],
        })
        .addService({
          id: 'PSUN001',
          name: 'tracking-service',
          escalationPolicyId: 'PEPSUN1',
        });

      const [rotation] = await makeProvider().onCallNow(
        component('PSUN001', 'tracking-service'),
        now(),
      );
      expect(
        rotation.levels.map(l => [
          l.level,
          l.now.map(s => `${s.contact.name} until ${s.until ?? 'always'}`),
          l.next.map(s => `${s.contact.name} from ${s.from}`),
        ]),
      ).toEqual([
        [
          1,
          ['Chen Wei until 2026-11-25T09:00:00.000Z'],
          ['Marco Rossi from 2026-11-25T09:00:00.000Z'],
        ],
        [2, ['Amira Haddad until always'], []],
      ]);
      const pages = pd.requests
        .filter(r => r.path === '/oncalls')
        .map(r => [r.query.get('limit'), r.query.get('offset')]);
      expect(pages).toEqual([
        ['100', '0'],
        ['100', '100'],
      ]);
    });

    it('asks PagerDuty once for concurrent questions about one entity', async () => {
      const provider = makeProvider();
      await provider.onCallNow(orders, now());
      const once = pd.requests.length;
      pd.requests.length = 0;
      const other = makeProvider();
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => other.onCallNow(orders, now())),
      );
      expect(new Set(answers.map(a => JSON.stringify(a))).size).toBe(1);
      expect(pd.requests).toHaveLength(once);
    });

    it('answers for several services of one entity, in the annotation’s order', async () => {
      const rotations = await makeProvider().onCallNow(
        component('PORDDB1,PORD7X2'),
        now(),
      );
      expect(
        rotations.map(r => [
          r.service?.name,
          r.escalationPolicy?.name,
          r.levels.map(l => l.now.map(s => s.contact.name)),
        ]),
      ).toEqual([
        ['orders-database', 'Orders DB escalation', [['Chen Wei']]],
        [
          'orders-service',
          'Orders escalation',
          [['Marco Rossi'], ['Lena Vogel'], ['Sofia Lindqvist']],
        ],
      ]);
    });

    it('names the annotation when PagerDuty has no such service', async () => {
      await expect(
        makeProvider().onCallNow(component('PORD7X2, PNOPE00'), now()),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message:
          'component:default/orders-service names PagerDuty service PNOPE00 in pagerduty.com/service-id, which PagerDuty does not have',
      });
    });

    it('waits out a 429 and answers', async () => {
      pd.rateLimitNext(2, { resetSeconds: 2, retryAfter: true });
      const [rotation] = await makeProvider().onCallNow(orders, now());
      expect(rotation.levels[0].now[0].contact.name).toBe('Marco Rossi');
      expect(
        pd.requests.filter(r => r.path === '/services/PORD7X2'),
      ).toHaveLength(3);
    });
  });

  describe('when PagerDuty cannot be asked', () => {
    // Serving the last answer, stale with its age, is the on-call backend's
    // job: see module.test.ts. The provider throws.
    it('throws ServiceUnavailableError, even with an answer past its TTL, and answers again when PagerDuty is back', async () => {
      const provider = makeProvider();
      await provider.onCallNow(orders, now());
      clock.advance(5 * 60_000);
      await pd.down('refused');
      // The connection kept alive from the first answer fails first.
      await expect(provider.onCallNow(orders, now())).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /^PagerDuty unreachable: (ECONNREFUSED|UND_ERR_SOCKET) on GET \/services\/PORD7X2/,
        ),
      });

      await pd.up();
      const [rotation] = await provider.onCallNow(orders, now());
      expect(rotation.levels[0].now[0].contact.name).toBe('Marco Rossi');
    });

    it('throws ServiceUnavailableError when PagerDuty keeps rate-limiting or hangs', async () => {
      const provider = makeProvider({
        client: testClient(pd, { maxRetries: 1, requestTimeoutMs: 200 }),
      });
      await provider.onCallNow(orders, now());
      clock.advance(2 * 60_000);

      pd.rateLimitNext(2, { resetSeconds: 1 });
      await expect(provider.onCallNow(orders, now())).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message:
          'PagerDuty unreachable: still rate-limited (429) after 1 retry of GET /services/PORD7X2',
      });
      pd.breakNext(1, 'hang');
      await expect(provider.onCallNow(orders, now())).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining('no answer within 0.2 s'),
      });
    });

    it('says which request could not reach PagerDuty', async () => {
      await pd.down('refused');
      await expect(
        makeProvider().onCallNow(orders, now()),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /^PagerDuty unreachable: ECONNREFUSED on GET \/services\/PORD7X2/,
        ),
      });
    });

    it('names the token key when PagerDuty refuses the key', async () => {
      await expect(
        makeProvider({
          client: testClient(pd, { token: 'revoked-key' }),
        }).onCallNow(orders, now()),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'The API key in oncall.pagerduty.token is missing, invalid or revoked',
        ),
      });
    });

    it('throws for incidents too, once their answer is past its TTL', async () => {
      const provider = makeProvider();
      const range = () => ({
        since: new Date(clock.now().getTime() - 7 * 24 * 3_600_000),
        until: clock.now(),
      });
      await provider.incidents(orders, range());
      clock.advance(3 * 60_000);
      await pd.down('refused');
      await expect(provider.incidents(orders, range())).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
      });
    });
  });

  describe('the cache', () => {
    it('shares answers through the given cache while they are fresh, and no longer', async () => {
      const cache: OnCallAnswerCache = new InMemoryOnCallAnswerCache();
      await makeProvider({ cache }).onCallNow(orders, now());
      const asked = pd.requests.length;

      // Another replica, whose key PagerDuty would refuse: within the TTL
      // it does not ask.
      const replica = makeProvider({
        cache,
        client: testClient(pd, { token: 'revoked-key' }),
      });
      clock.advance(30_000);
      const [rotation] = await replica.onCallNow(orders, now());
      expect(rotation.levels[0].now[0].contact.name).toBe('Marco Rossi');
      expect(pd.requests).toHaveLength(asked);

      clock.advance(60_000);
      await expect(replica.onCallNow(orders, now())).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
    });

    it('does not reuse an answer for a moment before it was fetched', async () => {
      const provider = makeProvider();
      clock.set('2026-11-25T09:00:10Z');
      await provider.onCallNow(orders, now());
      const asked = pd.requests.length;
      const [before] = await provider.onCallNow(orders, {
        now: new Date('2026-11-25T08:59:50Z'),
      });
      expect(before.levels[0].now[0].contact.name).toBe('Marco Rossi');
      expect(pd.requests.length).toBeGreaterThan(asked);
    });
  });

  describe('incidents', () => {
    it('lists the incidents of every service of the entity, newest first, by state', async () => {
      const at = (minutesAgo: number) =>
        new Date(Date.parse(T0) - minutesAgo * 60_000).toISOString();
      pd.addIncident({
        title: 'Orders API slow',
        serviceId: 'PORD7X2',
        createdAt: at(90),
        status: 'resolved',
        resolvedAt: at(30),
      });
      const dbFull = pd.addIncident({
        title: 'Orders DB disk full',
        serviceId: 'PORDDB1',
        createdAt: at(20),
        urgency: 'low',
      });
      pd.addIncident({
        title: 'Checkout returns 502',
        serviceId: 'PORD7X2',
        createdAt: at(5),
      });
      pd.addIncident({
        title: 'Not ours',
        serviceId: 'PORD7X2',
        createdAt: '2026-10-01T00:00:00Z',
        status: 'resolved',
      });

      const provider = makeProvider();
      const entity = component('PORD7X2,PORDDB1');
      const range = {
        since: new Date('2026-11-24T00:00:00Z'),
        until: clock.now(),
      };
      const all = await provider.incidents(entity, range);
      expect(all.map(i => [i.title, i.status, i.service.name])).toEqual([
        ['Checkout returns 502', 'triggered', 'orders-service'],
        ['Orders DB disk full', 'triggered', 'orders-database'],
        ['Orders API slow', 'resolved', 'orders-service'],
      ]);
      expect(all[1]).toEqual({
        id: dbFull.id,
        number: dbFull.number,
        title: 'Orders DB disk full',
        status: 'triggered',
        urgency: 'low',
        createdAt: at(20),
        url: `${PD_WEB}/incidents/${dbFull.id}`,
        service: {
          id: 'PORDDB1',
          name: 'orders-database',
          url: `${PD_WEB}/service-directory/PORDDB1`,
        },
        assignees: [{ name: 'Chen Wei', url: `${PD_WEB}/users/PCHEN01` }],
      });
      expect(all[2].resolvedAt).toBe(at(30));

      const open = await makeProvider().incidents(entity, {
        ...range,
        statuses: ['triggered', 'acknowledged'],
      });
      expect(open.map(i => i.title)).toEqual([
        'Checkout returns 502',
        'Orders DB disk full',
      ]);
      const [list] = pd.requests.filter(r => r.path === '/incidents');
      expect(list.query.getAll('service_ids[]')).toEqual([
        'PORD7X2',
        'PORDDB1',
      ]);
    });

    it('answers a narrower question from the cached answer', async () => {
      pd.addIncident({
        title: 'Checkout returns 502',
        serviceId: 'PORD7X2',
        createdAt: '2026-11-25T07:55:00Z',
      });
      const provider = makeProvider();
      const since = new Date('2026-11-01T00:00:00Z');
      await provider.incidents(orders, { since, until: clock.now() });
      const asked = pd.requests.length;
      clock.advance(10_000);
      const open = await provider.incidents(orders, {
        since: new Date('2026-11-20T00:00:00Z'),
        until: clock.now(),
        statuses: ['triggered'],
      });
      expect(open.map(i => i.title)).toEqual(['Checkout returns 502']);
      expect(pd.requests).toHaveLength(asked);
    });
  });

  describe('triggerIncident', () => {
    const requestedBy = {
      userEntityRef: 'user:default/lena-vogel',
      email: 'lena.vogel@acme-freight.example',
    };

    it('opens one incident on the first service, in the name of the requester', async () => {
      const incident = await makeProvider().triggerIncident(
        component('PORD7X2,PORDDB1'),
        {
          title: 'Checkout returns 502',
          details: 'Since 07:55, 40 % of calls',
          urgency: 'high',
          requestedBy,
        },
      );
      expect(pd.incidents.size).toBe(1);
      const stored = pd.incidents.get(incident.id)!;
      expect(stored).toMatchObject({
        serviceId: 'PORD7X2',
        createdById: 'PLENA01',
        details: 'Since 07:55, 40 % of calls',
        urgency: 'high',
      });
      expect(pd.writes().map(w => w.headers.from)).toEqual([
        'lena.vogel@acme-freight.example',
      ]);
      expect(incident).toEqual({
        id: stored.id,
        number: stored.number,
        title: 'Checkout returns 502',
        status: 'triggered',
        urgency: 'high',
        createdAt: T0,
        url: `${PD_WEB}/incidents/${stored.id}`,
        service: {
          id: 'PORD7X2',
          name: 'orders-service',
          url: `${PD_WEB}/service-directory/PORD7X2`,
        },
        assignees: [{ name: 'Marco Rossi', url: `${PD_WEB}/users/PMARCO1` }],
      });
    });

    it('falls back on oncall.pagerduty.fromEmail when the requester is not a PagerDuty user', async () => {
      await makeProvider().triggerIncident(orders, {
        title: 'Checkout returns 502',
        requestedBy: {
          userEntityRef: 'user:default/jo-newcomer',
          email: 'jo.newcomer@acme-freight.example',
        },
      });
      expect(pd.writes().map(w => w.headers.from)).toEqual([
        'jo.newcomer@acme-freight.example',
        'paved-road@acme-freight.example',
      ]);
      expect([...pd.incidents.values()].map(i => i.createdById)).toEqual([
        'PBOT001',
      ]);

      await makeProvider().triggerIncident(orders, {
        title: 'Orders stuck',
        requestedBy: { userEntityRef: 'user:default/no-email' },
      });
      expect(pd.writes().at(-1)!.headers.from).toBe(
        'paved-road@acme-freight.example',
      );
    });

    it('refuses, writing nothing, when nobody can be named as the requester', async () => {
      const provider = makeProvider({ fromEmail: undefined });
      await expect(
        provider.triggerIncident(orders, {
          title: 'Checkout returns 502',
          requestedBy: { userEntityRef: 'user:default/no-email' },
        }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'user:default/no-email has no email in the catalog and oncall.pagerduty.fromEmail is not set',
        ),
      });
      expect(pd.writes()).toHaveLength(0);

      await expect(
        provider.triggerIncident(orders, {
          title: 'Checkout returns 502',
          requestedBy: {
            userEntityRef: 'user:default/jo-newcomer',
            email: 'jo.newcomer@acme-freight.example',
          },
        }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'PagerDuty knows no user with the email jo.newcomer@acme-freight.example',
        ),
      });
      expect(pd.incidents.size).toBe(0);
    });

    it('opens one incident however often it is asked with one dedupKey', async () => {
      const provider = makeProvider();
      const ask = () =>
        provider.triggerIncident(orders, {
          title: 'Checkout returns 502',
          requestedBy,
          dedupKey: 'orders-502-req-1',
        });
      const first = await ask();
      const second = await ask();
      expect(second.id).toBe(first.id);
      expect(pd.incidents.size).toBe(1);
    });

    it('opens it on a chosen service of the entity, and on no other', async () => {
      const provider = makeProvider();
      const entity = component('PORD7X2,PORDDB1');
      const incident = await provider.triggerIncident(entity, {
        title: 'Orders DB disk full',
        requestedBy,
        serviceId: 'PORDDB1',
      });
      expect(incident.service.id).toBe('PORDDB1');
      await expect(
        provider.triggerIncident(entity, {
          title: 'Someone else’s service',
          requestedBy,
          serviceId: 'PSHP5Q1',
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message:
          "PagerDuty service PSHP5Q1 is not one of component:default/orders-service's (PORD7X2, PORDDB1)",
      });
      await expect(
        provider.triggerIncident(entity, { title: '  ', requestedBy }),
      ).rejects.toMatchObject({ name: 'InputError' });
      expect(pd.writes()).toHaveLength(1);
    });

    it('names the annotation when PagerDuty has no such service', async () => {
      await expect(
        makeProvider().triggerIncident(component('PNOPE00'), {
          title: 'Checkout returns 502',
          requestedBy,
        }),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message:
          'component:default/orders-service names PagerDuty service PNOPE00 in pagerduty.com/service-id, which PagerDuty does not have',
      });
      expect(pd.incidents.size).toBe(0);
    });

    it('shows the new incident in the next incidents answer, TTL or not', async () => {
      const provider = makeProvider();
      const range = () => ({
        since: new Date('2026-11-20T00:00:00Z'),
        until: new Date(clock.now().getTime() + 1),
      });
      expect(await provider.incidents(orders, range())).toEqual([]);
      await provider.triggerIncident(orders, {
        title: 'Checkout returns 502',
        requestedBy,
      });
      expect(
        (await provider.incidents(orders, range())).map(i => i.title),
      ).toEqual(['Checkout returns 502']);
    });
  });
});
