import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import searchPlugin from '@backstage/plugin-search-backend';
import searchModulePg from '@backstage/plugin-search-backend-module-pg';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { Readable } from 'node:stream';
import { searchModuleInMemoryEngine } from './searchEngine';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** A `techdocs` collator that runs only when the test triggers its task. */
const techdocsCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'test-techdocs-collator',
  register(reg) {
    reg.registerInit({
      deps: {
        scheduler: coreServices.scheduler,
        registry: searchIndexRegistryExtensionPoint,
      },
      async init({ scheduler, registry }) {
        registry.addCollator({
          schedule: scheduler.createScheduledTaskRunner({
            frequency: { minutes: 10 },
            timeout: { minutes: 1 },
          }),
          factory: {
            type: 'techdocs',
            getCollator: async () =>
              Readable.from([
                {
                  title: 'Order lifecycle',
                  text: 'How an order moves from placed to delivered',
                  location: '/docs/default/component/orders-service',
                },
              ]),
          },
        });
      },
    });
  },
});

async function start(
  features: Parameters<typeof startTestBackend>[0]['features'],
  databaseId?: TestDatabaseId,
) {
  // Collators run when the test says so.
  const collations = new Map<string, () => Promise<void>>();
  const scheduler = mockServices.scheduler.mock({
    createScheduledTaskRunner: () => ({
      run: async task => {
        collations.set(task.id, async () => {
          await task.fn(new AbortController().signal);
        });
      },
    }),
  });
  const { server } = await startTestBackend({
    features: [
      searchPlugin,
      techdocsCollator,
      scheduler.factory,
      ...(databaseId
        ? [
            mockServices.database.factory({
              knex: await databases.init(databaseId),
            }),
          ]
        : []),
      ...(features ?? []),
    ],
  });
  const query = async (term: string) => {
    const response = await fetch(
      `http://localhost:${server.port()}/api/search/query?types[0]=techdocs&term=${term}`,
      { headers: { Authorization: mockCredentials.user.header() } },
    );
    return { status: response.status, body: await response.json() };
  };
  return {
    query,
    runCollator: () => collations.get('search_index_techdocs')!(),
  };
}

describe('search before the techdocs index exists', () => {
  it('is a 500 "Missing index" with the stock in-memory engine', async () => {
    const { query } = await start([]);
    const response = await query('order');
    expect(response.status).toBe(500);
    expect(response.body.error.message).toMatch(/^Missing index for techdocs/);
  });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('answers no results, then the documents once indexed', async () => {
      const { query, runCollator } = await start(
        [searchModulePg, searchModuleInMemoryEngine],
        databaseId,
      );
      const before = await query('order');
      expect(before.status).toBe(200);
      expect(before.body.results).toEqual([]);

      await runCollator();
      const after = await query('order');
      expect(after.status).toBe(200);
      expect(after.body.results).toEqual([
        expect.objectContaining({
          type: 'techdocs',
          document: expect.objectContaining({ title: 'Order lifecycle' }),
        }),
      ]);
    });
  });
});
