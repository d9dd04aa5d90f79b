import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import techdocsPlugin from '@backstage/plugin-techdocs-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prebuildEnabled, techdocsModuleDevPrebuild } from './techdocsPrebuild';

jest.setTimeout(120_000);

describe('prebuildEnabled', () => {
  const local = { builder: 'local' };
  const standIns = { standIns: { token: 't' } };
  it.each([
    { when: 'local builder, stand-ins, development', on: true },
    { when: 'builder unset (local by default)', techdocs: {}, on: true },
    { when: 'external builder', techdocs: { builder: 'external' }, on: false },
    { when: 'no stand-ins', pavedRoad: {}, on: false },
    {
      when: 'stand-ins disabled',
      pavedRoad: { standIns: { enabled: false } },
      on: false,
    },
    { when: 'NODE_ENV=production', nodeEnv: 'production', on: false },
  ])(
    '$when: $on',
    ({ techdocs = local, pavedRoad = standIns, nodeEnv, on }) => {
      const config = new ConfigReader({ techdocs, pavedRoad });
      expect(
        prebuildEnabled(config, { NODE_ENV: nodeEnv ?? 'development' }),
      ).toBe(on);
    },
  );
});

describe('techdocs dev prebuild', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-prebuild-'));
  const publishDirectory = path.join(root, 'published');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A component registered from a `file` location in its own directory. */
  function component(name: string, files: Record<string, string>): Entity {
    const dir = path.join(root, name);
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        uid: `uid-${name}`,
        annotations: {
          'backstage.io/managed-by-location': `file:${dir}/catalog-info.yaml`,
          'backstage.io/techdocs-ref': 'dir:.',
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    };
  }

  const site = (name: string) => ({
    // Like the examples: TechDocs adds `plugins` to a config without it.
    'mkdocs.yml': `site_name: ${name}\nnav:\n  - Home: index.md\nplugins:\n  - search\n`,
    'docs/index.md': `# ${name} home\n`,
  });
  const entities = [
    component('orders', site('Orders')),
    // No docs folder: mkdocs fails, the others still build.
    component('broken', { 'mkdocs.yml': 'site_name: Broken\n' }),
    component('payments', site('Payments')),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'no-docs', namespace: 'default', uid: 'uid-no-docs' },
      spec: { type: 'library', lifecycle: 'production', owner: 'team-a' },
    },
  ];

  async function start(pavedRoad: object) {
    const scheduler = mockServices.scheduler.mock();
    const { server } = await startTestBackend({
      features: [
        techdocsPlugin,
        techdocsModuleDevPrebuild,
        catalogServiceMock.factory({ entities }),
        scheduler.factory,
        mockServices.rootConfig.factory({
          data: {
            techdocs: {
              builder: 'local',
              generator: {
                runIn: 'local',
                mkdocs: { omitTechdocsCorePlugin: true },
              },
              publisher: { type: 'local', local: { publishDirectory } },
            },
            pavedRoad,
          },
        }),
      ],
    });
    const baseUrl = `http://localhost:${server.port()}/api/techdocs`;
    const get = (route: string) =>
      fetch(`${baseUrl}${route}`, {
        headers: { Authorization: mockCredentials.user.header() },
      });
    const tasks = scheduler.scheduleTask.mock.calls.map(([task]) => task);
    const run = async () => {
      await tasks[0].fn(new AbortController().signal);
    };
    return { tasks, run, get };
  }

  it('is off where the stand-ins are off', async () => {
    const { tasks } = await start({ standIns: { enabled: false } });
    expect(tasks).toEqual([]);
  });

  it('builds every entity with docs through the sync endpoint, one at a time', async () => {
    const { tasks, run, get } = await start({ standIns: { token: 't' } });
    expect(tasks).toEqual([
      expect.objectContaining({ id: 'techdocs-prebuild', scope: 'local' }),
    ]);

    // Every sync request, with how many were in flight at once (a sync's
    // answer streams until its build is done).
    const realFetch = globalThis.fetch;
    const syncs: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const spy = jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation(async (input, init) => {
        const url = String(input);
        if (!url.includes('/api/techdocs/sync/')) {
          return realFetch(input, init);
        }
        syncs.push(url.replace(/.*\/sync\//, ''));
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        try {
          const response = await realFetch(input, init);
          return new Response(await response.text(), {
            status: response.status,
          });
        } finally {
          inFlight--;
        }
      });
    try {
      await run();
      expect(syncs).toEqual([
        'default/Component/orders',
        'default/Component/broken',
        'default/Component/payments',
      ]);
      expect(mostInFlight).toBe(1);

      // Built and published: what the reader fetches first is there.
      for (const name of ['orders', 'payments']) {
        expect(
          (await get(`/metadata/techdocs/default/Component/${name}`)).status,
        ).toBe(200);
      }
      expect(
        (await get('/metadata/techdocs/default/Component/broken')).status,
      ).toBe(404);

      // Each entity once per process: a later run syncs nothing again.
      await run();
      expect(syncs).toHaveLength(3);
    } finally {
      spy.mockRestore();
    }

    // A reader's visit minutes later (past the backend's one-minute
    // throttle): unchanged docs are not rebuilt, so no "newer version".
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 120_000);
    try {
      const unchanged = await get('/sync/default/Component/orders');
      expect(await unchanged.text()).toContain('{"updated":false}');

      fs.appendFileSync(path.join(root, 'orders/docs/index.md'), '\nMore.\n');
      clock.mockReturnValue(now + 240_000);
      const changed = await get('/sync/default/Component/orders');
      expect(await changed.text()).toContain('{"updated":true}');
    } finally {
      clock.mockRestore();
    }
  });
});
