import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { DoraClient, buildQuery } from './DoraClient';

const baseUrl = 'http://dora.test/api/dora';
const server = setupServer();
registerMswTestHooks(server);

function client() {
  return new DoraClient({
    discoveryApi: mockApis.discovery.mock({
      getBaseUrl: async (id: string) => `http://dora.test/api/${id}`,
    }),
    fetchApi: mockApis.fetch(),
  });
}

describe('buildQuery', () => {
  it('sends no ref for the organisation and ISO timestamps for the window', () => {
    const params = buildQuery({
      scope: 'org',
      ref: 'group:default/ignored',
      from: new Date('2026-01-01T00:00:00Z'),
      to: '2026-04-01T00:00:00.000Z',
    });
    expect(new URLSearchParams(params).toString()).toBe(
      'scope=org&from=2026-01-01T00%3A00%3A00.000Z&to=2026-04-01T00%3A00%3A00.000Z',
    );
  });

  it('refuses a team or service scope without a ref instead of widening to the organisation', () => {
    expect(() => buildQuery({ scope: 'team' })).toThrow(
      'A team scope needs an entity ref',
    );
  });
});

describe('DoraClient', () => {
  it('asks /metrics for the scope, ref and window', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(`${baseUrl}/metrics`, ({ request }) => {
        seen = new URL(request.url);
        return HttpResponse.json({ scope: 'service', weekly: [] });
      }),
    );

    const result = await client().getMetrics({
      scope: 'service',
      ref: 'component:default/orders-service',
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-01-31T00:00:00Z'),
    });

    expect(result).toEqual({ scope: 'service', weekly: [] });
    expect(Object.fromEntries(seen!.searchParams)).toEqual({
      scope: 'service',
      ref: 'component:default/orders-service',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-31T00:00:00.000Z',
    });
  });

  it('passes the picked environment to the figures and lists', async () => {
    const seen: Record<string, string | null> = {};
    for (const path of ['metrics', 'data-quality', 'changes']) {
      server.use(
        http.get(`${baseUrl}/${path}`, ({ request }) => {
          seen[path] = new URL(request.url).searchParams.get('environment');
          return HttpResponse.json({});
        }),
      );
    }
    const query = { scope: 'org' as const, environment: 'production-eu' };
    await client().getMetrics(query);
    await client().getDataQuality(query);
    await client().listChanges(query);
    expect(seen).toEqual({
      metrics: 'production-eu',
      'data-quality': 'production-eu',
      changes: 'production-eu',
    });
  });

  it('lists the environments of a scope, whatever the window', async () => {
    let seen: URL | undefined;
    const items = [
      {
        name: 'staging',
        tier: 'staging',
        deployments: 3,
        lastDeployedAt: '2026-01-02T00:00:00.000Z',
      },
    ];
    server.use(
      http.get(`${baseUrl}/environments`, ({ request }) => {
        seen = new URL(request.url);
        return HttpResponse.json({ items });
      }),
    );
    const result = await client().getEnvironments({
      scope: 'team',
      ref: 'group:default/payments',
    });
    expect(result).toEqual({ items });
    expect(Object.fromEntries(seen!.searchParams)).toEqual({
      scope: 'team',
      ref: 'group:default/payments',
    });
  });

  it('passes the drill-down limit', async () => {
    let limit: string | null = null;
    server.use(
      http.get(`${baseUrl}/deployments`, ({ request }) => {
        limit = new URL(request.url).searchParams.get('limit');
        return HttpResponse.json({ items: [], truncated: false });
      }),
    );
    await client().listDeployments({ scope: 'org' }, { limit: 50 });
    expect(limit).toBe('50');
  });

  it('turns a backend error body into a ResponseError with its message', async () => {
    server.use(
      http.get(`${baseUrl}/metrics`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: "ref: unknown catalog Group 'group:default/ghost'",
            },
            request: { method: 'GET', url: '/api/dora/metrics' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );

    const error = await client()
      .getMetrics({ scope: 'team', ref: 'group:default/ghost' })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.body.error.name).toBe('InputError');
    expect(error.cause.message).toBe(
      "ref: unknown catalog Group 'group:default/ghost'",
    );
  });

  it('reports a non-JSON failure with its status', async () => {
    server.use(
      http.get(
        `${baseUrl}/data-quality`,
        () => new HttpResponse('upstream down', { status: 503 }),
      ),
    );
    await expect(
      client().getDataQuality({ scope: 'org' }),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 503 });
  });
});
