import { createHmac } from 'node:crypto';
import { HttpDouble } from './httpDouble';
import {
  PagerDutyDouble,
  postPagerDutyWebhook,
  signPagerDutyWebhook,
} from './pagerDutyDouble';

describe('PagerDutyDouble', () => {
  let pd: PagerDutyDouble;
  let now: Date;

  beforeEach(async () => {
    now = new Date('2026-11-25T08:00:00Z');
    pd = await new PagerDutyDouble('pd-token', { now: () => now }).start();
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
      .addSchedule({
        id: 'PSCHORD',
        name: 'Orders primary',
        handovers: [
          { at: '2026-11-23T09:00:00Z', userId: 'PMARCO1' },
          { at: '2026-11-25T09:00:00Z', userId: 'PCHEN01' },
        ],
        until: '2026-11-27T09:00:00Z',
      })
      .addEscalationPolicy({
        id: 'PEPORD1',
        name: 'Orders escalation',
        rules: [
          { targets: [{ type: 'schedule', id: 'PSCHORD' }] },
          { targets: [{ type: 'user', id: 'PLENA01' }] },
        ],
      })
      .addService({
        id: 'PORD7X2',
        name: 'orders-service',
        escalationPolicyId: 'PEPORD1',
      });
  });
  afterEach(() => pd.close());

  async function call(
    path: string,
    init: { method?: string; body?: unknown; headers?: object } = {},
  ) {
    const response = await fetch(`${pd.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Token token=${pd.token}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        'content-type': 'application/json',
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  }

  it('answers 401 with PagerDuty’s error body unless the token is sent as `Token token=`', async () => {
    for (const authorization of ['', 'Bearer pd-token', 'Token token=other']) {
      expect(
        await call('/services/PORD7X2', { headers: { authorization } }),
      ).toMatchObject({
        status: 401,
        body: { error: { message: 'Authentication failed', code: 2006 } },
      });
    }
    expect((await call('/services/PORD7X2')).status).toBe(200);
  });

  it('serves a service with its escalation policy, the policy with its rules, and 404s for unknown ids', async () => {
    const { body: service } = await call('/services/PORD7X2');
    expect(service.service.escalation_policy).toMatchObject({
      id: 'PEPORD1',
      type: 'escalation_policy_reference',
      summary: 'Orders escalation',
    });
    const { body: policy } = await call(
      service.service.escalation_policy.self.slice(pd.url.length),
    );
    expect(
      policy.escalation_policy.escalation_rules.map((r: any) =>
        r.targets.map((t: any) => `${t.type}:${t.id}`),
      ),
    ).toEqual([['schedule_reference:PSCHORD'], ['user_reference:PLENA01']]);

    for (const path of [
      '/services/PNOPE00',
      '/escalation_policies/PNOPE00',
      '/incidents/PNOPE00',
    ]) {
      expect(await call(path)).toMatchObject({
        status: 404,
        body: { error: { message: 'Not Found', code: 2100 } },
      });
    }
  });

  it('tells who is on call now and next across a handover, by the injected clock', async () => {
    const onCalls = async (query: string) =>
      (
        await call(
          `/oncalls?escalation_policy_ids[]=PEPORD1&include[]=users${query}`,
        )
      ).body.oncalls.map((o: any) =>
        [o.escalation_level, o.user.email, o.start, o.end].join(' '),
      );

    expect(await onCalls('')).toEqual([
      '1 marco.rossi@acme-freight.example 2026-11-23T09:00:00Z 2026-11-25T09:00:00Z',
      '2 lena.vogel@acme-freight.example  ',
    ]);
    // Who comes next: the earliest on-call of each user over the coming days.
    expect(
      await onCalls(
        '&since=2026-11-25T08:00:00Z&until=2026-11-28T08:00:00Z&earliest=true',
      ),
    ).toEqual([
      '1 marco.rossi@acme-freight.example 2026-11-23T09:00:00Z 2026-11-25T09:00:00Z',
      '1 chen.wei@acme-freight.example 2026-11-25T09:00:00Z 2026-11-27T09:00:00Z',
      '2 lena.vogel@acme-freight.example  ',
    ]);

    now = new Date('2026-11-25T09:00:00Z');
    expect(await onCalls('')).toEqual([
      '1 chen.wei@acme-freight.example 2026-11-25T09:00:00Z 2026-11-27T09:00:00Z',
      '2 lena.vogel@acme-freight.example  ',
    ]);
    now = new Date('2026-11-27T09:00:00Z');
    expect(await onCalls('')).toEqual(['2 lena.vogel@acme-freight.example  ']);

    const { body } = await call('/oncalls?escalation_policy_ids[]=PEPORD1');
    expect(body.oncalls[0].user).toEqual({
      id: 'PLENA01',
      type: 'user_reference',
      summary: 'Lena Vogel',
      self: `${pd.url}/users/PLENA01`,
      html_url: 'https://acme-freight.pagerduty.com/users/PLENA01',
    });
    const { body: methods } = await call('/users/PLENA01/contact_methods');
    expect(methods.contact_methods[1]).toMatchObject({
      type: 'phone_contact_method',
      country_code: 49,
      address: '15112345678',
    });
    // Without brackets PagerDuty does not read the filter.
    expect(
      (await call('/oncalls?escalation_policy_ids=PNOPE00')).body.oncalls,
    ).toHaveLength(1);
  });

  it('pages with limit, offset and more; total only when asked; 10,000 records at most', async () => {
    for (let i = 0; i < 30; i++) {
      pd.addIncident({
        title: `Incident ${i}`,
        serviceId: 'PORD7X2',
        createdAt: new Date(now.getTime() - (30 - i) * 60_000).toISOString(),
      });
    }
    const pages = [];
    for (let offset = 0; ; offset += 12) {
      const { body } = await call(`/incidents?limit=12&offset=${offset}`);
      pages.push(body);
      if (!body.more) {
        break;
      }
    }
    expect(pages.map(p => [p.offset, p.incidents.length, p.more])).toEqual([
      [0, 12, true],
      [12, 12, true],
      [24, 6, false],
    ]);
    expect(pages.flatMap(p => p.incidents.map((i: any) => i.title))).toEqual(
      Array.from({ length: 30 }, (_, i) => `Incident ${i}`),
    );
    expect(pages[0].total).toBeNull();
    expect((await call('/incidents?total=true&limit=5')).body).toMatchObject({
      total: 30,
      limit: 5,
      more: true,
    });
    expect((await call('/incidents?limit=500')).body.limit).toBe(100);
    expect(
      (await call('/incidents?limit=100&offset=9950')).body.error.code,
    ).toBe(2001);
  });

  it('answers 429 with the rate-limit headers for the next N requests, and records every request', async () => {
    pd.rateLimitNext(2, { resetSeconds: 3, retryAfter: true });
    const limited = await call('/services/PORD7X2');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      error: { message: 'Rate Limit Exceeded', code: 2020 },
    });
    expect(limited.headers.get('ratelimit-reset')).toBe('3');
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await call('/services/PORD7X2')).status).toBe(429);
    expect((await call('/services/PORD7X2')).status).toBe(200);

    pd.rateLimitNext(1, { bare: true });
    const bare = await call('/services/PORD7X2');
    expect([bare.status, bare.headers.get('ratelimit-reset')]).toEqual([
      429,
      null,
    ]);
    expect(pd.requests.map(r => r.headers.accept)).toEqual(
      Array(4).fill('application/vnd.pagerduty+json;version=2'),
    );
  });

  it('creates an incident only with a known From user and a valid body, assigned to the primary on call', async () => {
    const incident = (extra: object = {}) => ({
      incident: {
        type: 'incident',
        title: 'Checkout returns 502',
        service: { id: 'PORD7X2', type: 'service_reference' },
        urgency: 'high',
        body: { type: 'incident_body', details: 'Since 07:55, 40 % of calls' },
        ...extra,
      },
    });
    const post = (body: object, from?: string) =>
      call('/incidents', {
        method: 'POST',
        body,
        headers: from ? { from } : {},
      });
    const from = 'lena.vogel@acme-freight.example';

    expect((await post(incident())).body.error).toEqual({
      message:
        'You must specify a user\'s email address in the "From" header to perform this action',
      code: 2016,
    });
    expect(
      (await post(incident(), 'someone@elsewhere.example')).body.error,
    ).toMatchObject({ message: 'Requester User Not Found', code: 1008 });
    const bad = await post(
      incident({ title: ' ', urgency: 'urgent', service: { id: 'PORD7X2' } }),
      from,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe(2001);
    expect(bad.body.error.errors).toHaveLength(3);
    expect(
      await post(
        incident({ service: { id: 'PNOPE00', type: 'service_reference' } }),
        from,
      ),
    ).toMatchObject({
      status: 400,
      body: {
        error: {
          message: 'Arguments Caused Error',
          errors: ['Service not found'],
        },
      },
    });
    expect(pd.incidents.size).toBe(0);

    const created = await post(incident({ incident_key: 'orders-502' }), from);
    expect(created.status).toBe(201);
    expect(created.body.incident).toMatchObject({
      type: 'incident',
      title: 'Checkout returns 502',
      status: 'triggered',
      urgency: 'high',
      created_at: '2026-11-25T08:00:00Z',
      resolved_at: null,
      service: { id: 'PORD7X2', type: 'service_reference' },
      assignments: [{ assignee: { id: 'PMARCO1' } }],
    });
    expect(
      (await post(incident({ incident_key: 'orders-502' }), from)).body.error
        .errors,
    ).toEqual([
      'Open incident with matching dedup key already exists on this service',
    ]);

    const open = await call(
      '/incidents?service_ids[]=PORD7X2&statuses[]=triggered&statuses[]=acknowledged',
    );
    expect(open.body.incidents.map((i: any) => i.id)).toEqual([
      created.body.incident.id,
    ]);
    pd.resolveIncident(created.body.incident.id);
    const resolved = await call(`/incidents/${created.body.incident.id}`);
    expect(resolved.body.incident).toMatchObject({
      status: 'resolved',
      resolved_at: '2026-11-25T08:00:00Z',
      assignments: [],
    });
    expect(pd.writes()[4].headers.from).toBe(from);
    expect(pd.incidents.get(created.body.incident.id)).toMatchObject({
      createdById: 'PLENA01',
      details: 'Since 07:55, 40 % of calls',
    });
  });

  it('lists incidents created in the last month by default, and refuses a range over six months', async () => {
    pd.addIncident({
      title: 'old',
      serviceId: 'PORD7X2',
      createdAt: '2026-09-01T00:00:00Z',
      status: 'resolved',
    });
    pd.addIncident({ title: 'recent', serviceId: 'PORD7X2' });
    const titles = async (query: string) =>
      (await call(`/incidents${query}`)).body.incidents.map(
        (i: any) => i.title,
      );
    expect(await titles('')).toEqual(['recent']);
    expect(await titles('?date_range=all')).toEqual(['old', 'recent']);
    expect(
      await titles('?since=2026-08-01T00:00:00Z&until=2026-10-01T00:00:00Z'),
    ).toEqual(['old']);
    expect((await call('/incidents?since=2026-01-01T00:00:00Z')).status).toBe(
      400,
    );
    expect((await call('/incidents?since=yesterday')).body.error.code).toBe(
      2004,
    );
  });

  it('goes down (refused, hanging) and comes back at the same URL', async () => {
    const url = pd.url;
    await pd.down('refused');
    await expect(call('/services/PORD7X2')).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
    await pd.up();
    expect(pd.url).toBe(url);
    expect((await call('/services/PORD7X2')).status).toBe(200);

    pd.breakNext(1, 'hang');
    await expect(
      fetch(`${pd.url}/services/PORD7X2`, {
        headers: { authorization: `Token token=${pd.token}` },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    pd.failNext(1, 500, { error: { message: 'boom', code: 2000 } });
    expect((await call('/services/PORD7X2')).status).toBe(500);
    expect((await call('/services/PORD7X2')).status).toBe(200);
  });

  it('posts incident webhooks signed as PagerDuty signs them', async () => {
    const receiver = await new HttpDouble(() => ({ status: 202 })).start();
    try {
      const incident = pd.addIncident({
        title: 'Checkout returns 502',
        serviceId: 'PORD7X2',
      });
      now = new Date('2026-11-25T08:20:00Z');
      pd.resolveIncident(incident.id);
      const payload = pd.webhookEvent(incident.id, 'incident.resolved', {
        id: 'evt-1',
      });
      const delivery = await postPagerDutyWebhook(receiver.url, payload, {
        secret: ['old-secret', 'new-secret'],
        webhookId: 'wh-1',
      });
      expect(delivery.status).toBe(202);

      const [received] = receiver.requests;
      const hmac = (secret: string) =>
        createHmac('sha256', secret).update(received.rawBody).digest('hex');
      expect(received.headers).toMatchObject({
        'user-agent': 'PagerDuty-Webhook/V3.0',
        'x-webhook-id': 'wh-1',
        'x-pagerduty-signature': `v1=${hmac('old-secret')},v1=${hmac(
          'new-secret',
        )}`,
      });
      expect(received.body).toEqual({
        event: {
          id: 'evt-1',
          event_type: 'incident.resolved',
          resource_type: 'incident',
          occurred_at: '2026-11-25T08:20:00Z',
          agent: null,
          client: null,
          data: expect.objectContaining({
            id: incident.id,
            type: 'incident',
            status: 'resolved',
            title: 'Checkout returns 502',
            html_url: `https://acme-freight.pagerduty.com/incidents/${incident.id}`,
            service: expect.objectContaining({ id: 'PORD7X2' }),
          }),
        },
      });
      expect(signPagerDutyWebhook('{}', 's')).toBe(
        `v1=${createHmac('sha256', 's').update('{}').digest('hex')}`,
      );
    } finally {
      await receiver.close();
    }
  });
});
