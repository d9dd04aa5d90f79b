import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  incident,
  incidentsAnswer,
  pagerDutyAnswer,
} from '../__testUtils__/fixtures';
import { OnCallClient } from './OnCallClient';

const baseUrl = 'http://oncall.test/api/oncall';
const entityUrl = `${baseUrl}/entities/component/default/orders-service`;
const server = setupServer();
registerMswTestHooks(server);

function client() {
  return new OnCallClient({
    discoveryApi: mockApis.discovery.mock({
      getBaseUrl: async (id: string) => `http://oncall.test/api/${id}`,
    }),
    fetchApi: mockApis.fetch(),
  });
}

/** The body the backend's error handler sends for a thrown error. */
function errorBody(status: number, name: string, message: string) {
  return HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'GET', url: '/api/oncall' },
      response: { statusCode: status },
    },
    { status },
  );
}

describe('OnCallClient', () => {
  it('asks who is on call at the entity path, kind in lower case', async () => {
    const answer = pagerDutyAnswer();
    server.use(http.get(entityUrl, () => HttpResponse.json(answer)));

    await expect(
      client().getOnCall('Component:default/orders-service'),
    ).resolves.toEqual(answer);
  });

  it('escapes the parts of the ref', async () => {
    let path: string | undefined;
    server.use(
      http.get(`${baseUrl}/entities/:kind/:namespace/:name`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json(pagerDutyAnswer());
      }),
    );
    await client().getOnCall('component:team a/orders#1');
    expect(path).toBe('/api/oncall/entities/component/team%20a/orders%231');
  });

  it('lists incidents with the days and states asked for', async () => {
    let seen: URL | undefined;
    const answer = incidentsAnswer([incident()]);
    server.use(
      http.get(`${entityUrl}/incidents`, ({ request }) => {
        seen = new URL(request.url);
        return HttpResponse.json(answer);
      }),
    );

    const result = await client().getIncidents(
      'component:default/orders-service',
      { days: 7, statuses: ['triggered', 'acknowledged'] },
    );

    expect(result).toEqual(answer);
    expect(Object.fromEntries(seen!.searchParams)).toEqual({
      days: '7',
      status: 'triggered,acknowledged',
    });
  });

  it('posts the trigger request as JSON and returns the incident', async () => {
    let body: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(`${entityUrl}/incidents`, async ({ request }) => {
        body = await request.json();
        contentType = request.headers.get('content-type');
        return HttpResponse.json(incident({ number: 124 }), { status: 201 });
      }),
    );

    const created = await client().triggerIncident(
      'component:default/orders-service',
      { title: 'Checkout returns 502', urgency: 'low' },
    );

    expect(created.number).toBe(124);
    expect(body).toEqual({ title: 'Checkout returns 502', urgency: 'low' });
    expect(contentType).toBe('application/json');
  });

  it("passes the backend's refusal through with its message", async () => {
    const message =
      'user:default/ada may not page the on-call of component:default/orders-service: only its owners and the platform team can.';
    server.use(
      http.post(`${entityUrl}/incidents`, () =>
        errorBody(403, 'NotAllowedError', message),
      ),
    );

    const error = await client()
      .triggerIncident('component:default/orders-service', { title: 'x' })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.name).toBe('NotAllowedError');
    expect(error.cause.message).toBe(message);
  });

  it('reports a source without incidents as a 501 NotImplementedError', async () => {
    server.use(
      http.get(`${entityUrl}/incidents`, () =>
        errorBody(
          501,
          'NotImplementedError',
          'The on-call source of component:default/orders-service (annotation) knows no incidents',
        ),
      ),
    );

    await expect(
      client().getIncidents('component:default/orders-service'),
    ).rejects.toMatchObject({
      statusCode: 501,
      cause: { name: 'NotImplementedError' },
    });
  });

  it('reports a non-JSON failure with its status', async () => {
    server.use(
      http.get(
        entityUrl,
        () => new HttpResponse('bad gateway', { status: 502 }),
      ),
    );
    await expect(
      client().getOnCall('component:default/orders-service'),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 502 });
  });
});
