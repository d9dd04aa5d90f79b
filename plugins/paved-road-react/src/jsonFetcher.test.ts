import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { errorMessage } from './errorMessage';
import { createJsonFetcher } from './jsonFetcher';

const baseUrl = 'http://backend.test/api/thing';
const server = setupServer();
registerMswTestHooks(server);

function request() {
  return createJsonFetcher(
    {
      discoveryApi: mockApis.discovery.mock({
        getBaseUrl: async (id: string) => `http://backend.test/api/${id}`,
      }),
      fetchApi: mockApis.fetch(),
    },
    'thing',
  );
}

describe('createJsonFetcher', () => {
  it('gets the JSON at the path of the plugin, query string included', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(`${baseUrl}/entities/component/default/a`, ({ request: r }) => {
        seen = new URL(r.url);
        return HttpResponse.json({ score: 1 });
      }),
    );
    await expect(
      request()('entities/component/default/a?days=7'),
    ).resolves.toEqual({ score: 1 });
    expect(seen?.searchParams.get('days')).toBe('7');
  });

  it('posts a body as JSON', async () => {
    let body: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(`${baseUrl}/waivers`, async ({ request: r }) => {
        contentType = r.headers.get('content-type');
        body = await r.json();
        return HttpResponse.json({ id: 'w1' }, { status: 201 });
      }),
    );
    await expect(
      request()('waivers', { method: 'POST', body: { reason: 'batch' } }),
    ).resolves.toEqual({ id: 'w1' });
    expect(body).toEqual({ reason: 'batch' });
    expect(contentType).toBe('application/json');
  });

  it("throws a ResponseError carrying the backend's error", async () => {
    server.use(
      http.get(`${baseUrl}/metrics`, () =>
        HttpResponse.json(
          {
            error: { name: 'InputError', message: 'ref: unknown Group' },
            request: { method: 'GET', url: '/api/thing/metrics' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    const error = await request()('metrics').then(
      () => {
        throw new Error('resolved');
      },
      (e: ResponseError) => e,
    );
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(errorMessage(error)).toBe('ref: unknown Group');
  });

  it('answers undefined for a 404 only when told', async () => {
    server.use(
      http.get(`${baseUrl}/entities/x`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No scorecard' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await expect(
      request()('entities/x', { notFound: 'undefined' }),
    ).resolves.toBeUndefined();
    await expect(request()('entities/x')).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
    });
  });
});
