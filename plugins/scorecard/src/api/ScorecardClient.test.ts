import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  ScorecardClient,
  buildListQuery,
  entityParts,
} from './ScorecardClient';

const baseUrl = 'http://scorecard.test/api/scorecard';
const server = setupServer();
registerMswTestHooks(server);

function client() {
  return new ScorecardClient({
    discoveryApi: mockApis.discovery.mock({
      getBaseUrl: async (id: string) => `http://scorecard.test/api/${id}`,
    }),
    fetchApi: mockApis.fetch(),
  });
}

function errorBody(name: string, message: string, statusCode: number) {
  return HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'GET', url: '/api/scorecard' },
      response: { statusCode },
    },
    { status: statusCode },
  );
}

describe('entityParts', () => {
  it('defaults the namespace', () => {
    expect(entityParts('component:default/orders-service')).toEqual({
      kind: 'component',
      namespace: 'default',
      name: 'orders-service',
    });
    expect(
      entityParts({ kind: 'Component', namespace: '', name: 'a b' }),
    ).toEqual({ kind: 'Component', namespace: 'default', name: 'a b' });
  });
});

/** A query object as the URL query string it is sent as. */
const asSearch = (query: object) =>
  new URLSearchParams(
    Object.entries(query).map(([name, value]) => [name, String(value)]),
  );

describe('buildListQuery', () => {
  it('joins lists with commas and leaves empty filters out', () => {
    expect(
      asSearch(
        buildListQuery({
          owner: ['group:default/payments', ''],
          level: [],
          criticalFailing: true,
          limit: 25,
          cursor: 'abc',
        }),
      ).toString(),
    ).toBe(
      'owner=group%3Adefault%2Fpayments&criticalFailing=true&limit=25&cursor=abc',
    );
    expect(asSearch(buildListQuery({})).toString()).toBe('');
  });
});

describe('ScorecardClient', () => {
  it('reads one entity scorecard', async () => {
    server.use(
      http.get(`${baseUrl}/entities/component/default/orders`, () =>
        HttpResponse.json({ entityRef: 'component:default/orders', score: 1 }),
      ),
    );
    await expect(
      client().getEntityScorecard('component:default/orders'),
    ).resolves.toEqual({ entityRef: 'component:default/orders', score: 1 });
  });

  it('encodes each part of the entity in the path', async () => {
    server.use(
      http.get(`${baseUrl}/entities/Component/default/a%20b`, () =>
        HttpResponse.json({ entityRef: 'component:default/a b' }),
      ),
    );
    await expect(
      client().getEntityScorecard({
        kind: 'Component',
        namespace: '',
        name: 'a b',
      }),
    ).resolves.toEqual({ entityRef: 'component:default/a b' });
  });

  it('answers undefined for an entity that was never evaluated', async () => {
    server.use(
      http.get(`${baseUrl}/entities/component/default/new`, () =>
        errorBody('NotFoundError', 'No scorecard', 404),
      ),
      http.get(`${baseUrl}/entities/component/default/new/history`, () =>
        errorBody('NotFoundError', 'No scorecard', 404),
      ),
    );
    await expect(
      client().getEntityScorecard('component:default/new'),
    ).resolves.toBeUndefined();
    await expect(
      client().getEntityHistory('component:default/new'),
    ).resolves.toBeUndefined();
  });

  it('asks for the history over the given days', async () => {
    let days: string | null = null;
    server.use(
      http.get(
        `${baseUrl}/entities/component/default/orders/history`,
        ({ request }) => {
          days = new URL(request.url).searchParams.get('days');
          return HttpResponse.json({ snapshots: [], changes: [] });
        },
      ),
    );
    await client().getEntityHistory('component:default/orders', { days: 30 });
    expect(days).toBe('30');
  });

  it('evaluates on demand with a POST', async () => {
    let method: string | undefined;
    server.use(
      http.post(
        `${baseUrl}/entities/component/default/orders/evaluate`,
        ({ request }) => {
          method = request.method;
          return HttpResponse.json({ score: 0.5 });
        },
      ),
    );
    await expect(
      client().evaluateEntity({
        kind: 'component',
        namespace: 'default',
        name: 'orders',
      }),
    ).resolves.toEqual({ score: 0.5 });
    expect(method).toBe('POST');
  });

  it('lists entities with filters and a cursor', async () => {
    let seen: URLSearchParams | undefined;
    server.use(
      http.get(`${baseUrl}/entities`, ({ request }) => {
        seen = new URL(request.url).searchParams;
        return HttpResponse.json({ items: [], totalItems: 0, formula: 'f' });
      }),
    );
    await client().listEntities({
      owner: ['group:default/payments'],
      level: ['bronze', 'silver'],
      criticalFailing: true,
      cursor: 'eyJvIjo1MH0',
    });
    expect(Object.fromEntries(seen!)).toEqual({
      owner: 'group:default/payments',
      level: 'bronze,silver',
      criticalFailing: 'true',
      cursor: 'eyJvIjo1MH0',
    });
  });

  it('reads the team rollup and the checks', async () => {
    server.use(
      http.get(`${baseUrl}/teams`, () =>
        HttpResponse.json({ items: [{ owner: 'group:default/a' }] }),
      ),
      http.get(`${baseUrl}/checks`, () =>
        HttpResponse.json({ checks: [], levels: [], formula: 'f' }),
      ),
    );
    await expect(client().getTeams()).resolves.toEqual({
      items: [{ owner: 'group:default/a' }],
    });
    await expect(client().getChecks()).resolves.toMatchObject({ levels: [] });
  });

  it('posts a waiver as JSON', async () => {
    let body: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(`${baseUrl}/waivers`, async ({ request }) => {
        contentType = request.headers.get('content-type');
        body = await request.json();
        return HttpResponse.json({ id: 'w1' }, { status: 201 });
      }),
    );
    const request = {
      entityRef: 'component:default/orders',
      checkId: 'has-oncall',
      reason: 'batch job',
      expiresAt: '2027-01-01T00:00:00Z',
    };
    await expect(client().createWaiver(request)).resolves.toEqual({
      id: 'w1',
    });
    expect(body).toEqual(request);
    expect(contentType).toBe('application/json');
  });

  it('turns a backend error body into a ResponseError', async () => {
    server.use(
      http.post(`${baseUrl}/waivers`, () =>
        errorBody('InputError', 'expiresAt must be in the future', 400),
      ),
    );
    const error = await client()
      .createWaiver({
        entityRef: 'component:default/orders',
        checkId: 'has-oncall',
        reason: 'batch job',
        expiresAt: '2020-01-01T00:00:00Z',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe('expiresAt must be in the future');
  });

  it('throws on a 404 from the evaluate route (not in the catalog)', async () => {
    server.use(
      http.post(`${baseUrl}/entities/component/default/ghost/evaluate`, () =>
        errorBody('NotFoundError', 'Entity is not in the catalog', 404),
      ),
    );
    await expect(
      client().evaluateEntity('component:default/ghost'),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 404 });
  });
});
