import { queryString, sendApiRequest } from './apiRequest';

describe('queryString', () => {
  it('repeats a list, leaves out what is undefined, and is empty for none', () => {
    expect(
      queryString({
        scope: 'team',
        owner: ['a,b', 'c'],
        limit: 5,
        ref: undefined,
      }),
    ).toBe('?scope=team&owner=a%2Cb&owner=c&limit=5');
    expect(queryString({})).toBe('');
    expect(queryString(undefined)).toBe('');
  });
});

describe('sendApiRequest', () => {
  it('asks discovery for the base URL and sends query, JSON body and token', async () => {
    const fetch = jest.fn(async () => new Response('{}'));
    const apis = {
      discoveryApi: { getBaseUrl: async (id: string) => `http://x/api/${id}` },
      fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
    };
    await sendApiRequest(
      apis,
      'dora',
      {
        method: 'POST',
        path: '/events',
        query: { dry: 'true' },
        body: { a: 1 },
      },
      { token: 't' },
    );
    await sendApiRequest(apis, 'dora', { method: 'GET', path: '/metrics' });
    expect(fetch.mock.calls).toEqual([
      [
        'http://x/api/dora/events?dry=true',
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: 'Bearer t',
          },
          body: '{"a":1}',
        },
      ],
      [
        'http://x/api/dora/metrics',
        { method: 'GET', headers: {}, body: undefined },
      ],
    ]);
  });
});
