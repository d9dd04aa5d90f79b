import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { fetchFromPlugin, pluginEndpoint } from './pluginRequest';

type Seen = {
  method?: string;
  url?: string;
  authorization?: string;
  contentType?: string;
  body: string;
};

/** A plugin's backend on loopback: records each request, answers 201 `{ ok: true }`, or never on `/hang`. */
async function startPluginBackend() {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      if (req.url?.endsWith('/hang')) return;
      res
        .writeHead(201, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, seen, origin: `http://127.0.0.1:${port}` };
}

describe('fetchFromPlugin', () => {
  let backend: Awaited<ReturnType<typeof startPluginBackend>>;
  const services = () => ({
    discovery: mockServices.discovery.mock({
      getBaseUrl: async (pluginId: string) =>
        `${backend.origin}/api/${pluginId}`,
    }),
    auth: mockServices.auth({ pluginId: 'oncall' }),
  });

  beforeAll(async () => {
    backend = await startPluginBackend();
  });
  afterAll(() => {
    backend.server.closeAllConnections();
    backend.server.close();
  });
  beforeEach(() => {
    backend.seen.length = 0;
  });

  it('posts JSON to the plugin as the calling plugin', async () => {
    const response = await fetchFromPlugin(services(), 'dora', 'events', {
      method: 'POST',
      json: { events: [1] },
    });

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
    expect(backend.seen).toEqual([
      {
        method: 'POST',
        url: '/api/dora/events',
        authorization: `Bearer ${mockCredentials.service.token({
          onBehalfOf: mockCredentials.service('plugin:oncall'),
          targetPluginId: 'dora',
        })}`,
        contentType: 'application/json',
        body: '{"events":[1]}',
      },
    ]);
  });

  it('gets without a body unless told', async () => {
    await fetchFromPlugin(services(), 'techdocs', 'metadata/x');
    expect(backend.seen).toMatchObject([
      { method: 'GET', url: '/api/techdocs/metadata/x', body: '' },
    ]);
    expect(backend.seen[0].contentType).toBeUndefined();
  });

  it('gives up after the timeout', async () => {
    await expect(
      fetchFromPlugin(services(), 'dora', 'hang', { timeoutMs: 50 }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('gives up when the signal aborts, with a timeout as well', async () => {
    const abort = new AbortController();
    const pending = fetchFromPlugin(services(), 'dora', 'hang', {
      signal: abort.signal,
      timeoutMs: 60_000,
    });
    setTimeout(() => abort.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('pluginEndpoint', () => {
  it('tells the URL before sending anything', async () => {
    const endpoint = await pluginEndpoint(
      {
        discovery: mockServices.discovery.mock({
          getBaseUrl: async () => 'http://127.0.0.1:1/api/oncall',
        }),
        auth: mockServices.auth(),
      },
      'oncall',
      'entities/component/default/a%20b',
    );
    expect(endpoint.url).toBe(
      'http://127.0.0.1:1/api/oncall/entities/component/default/a%20b',
    );
  });

  it('throws what discovery throws', async () => {
    await expect(
      pluginEndpoint(
        {
          discovery: mockServices.discovery.mock({
            getBaseUrl: async () => {
              throw new NotFoundError("no plugin 'oncall'");
            },
          }),
          auth: mockServices.auth(),
        },
        'oncall',
        'entities',
      ),
    ).rejects.toThrow(new NotFoundError("no plugin 'oncall'"));
  });
});
