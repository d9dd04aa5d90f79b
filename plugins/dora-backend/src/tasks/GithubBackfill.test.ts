import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Octokit } from '@octokit/rest';
import express from 'express';
import { AddressInfo } from 'net';
import { Server } from 'http';
import { component, testEntities } from '../__testUtils__/fixtures';
import { DatabaseDoraStore } from '../database/DatabaseDoraStore';
import { readDoraConfig } from '../service/config';
import { IngestionService } from '../service/ingestion';
import { GithubBackfill } from './GithubBackfill';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** A GitHub REST API double on loopback: deployments, statuses and pulls. */
function githubDouble() {
  const requests: string[] = [];
  let failDeploymentsPage: number | undefined;
  const deployments = [3, 2, 1].map(id => ({
    id,
    sha: `sha${id}`,
    environment: 'production',
    created_at: `2026-01-0${id}T09:00:00Z`,
  }));
  const pulls = [
    {
      number: 11,
      merge_commit_sha: 'sha3',
      created_at: '2026-01-02T09:00:00Z',
      merged_at: '2026-01-03T08:00:00Z',
      updated_at: '2026-01-03T08:00:00Z',
    },
    {
      number: 10,
      merge_commit_sha: 'unmerged',
      created_at: '2026-01-01T09:00:00Z',
      merged_at: null,
      updated_at: '2026-01-02T08:00:00Z',
    },
  ];
  const page = <T>(items: T[], req: express.Request) => {
    const perPage = Number(req.query.per_page ?? 30);
    const p = Number(req.query.page ?? 1);
    return items.slice((p - 1) * perPage, p * perPage);
  };
  const app = express();
  app.use((req, _res, next) => {
    requests.push(req.url);
    next();
  });
  app.get('/repos/acme/a/deployments', (req, res) => {
    if (Number(req.query.page) === failDeploymentsPage) {
      res.status(500).json({ message: 'boom' });
      return;
    }
    res.json(page(deployments, req));
  });
  app.get('/repos/acme/a/deployments/:id/statuses', (req, res) => {
    const d = deployments.find(x => String(x.id) === req.params.id)!;
    res.json([
      {
        id: 100 + d.id,
        state: 'success',
        environment: 'production',
        created_at: d.created_at.replace('09:00', '10:00'),
      },
      { id: 50 + d.id, state: 'in_progress', created_at: d.created_at },
    ]);
  });
  app.get('/repos/acme/a/pulls', (req, res) => res.json(page(pulls, req)));
  app.get('/repos/acme/b/deployments', (_req, res) => res.json([]));
  app.get('/repos/acme/b/pulls', (_req, res) => res.json([]));
  let server: Server;
  return {
    requests,
    failPage(p: number | undefined) {
      failDeploymentsPage = p;
    },
    async start() {
      server = await new Promise<Server>(resolve => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}

describe.each(databases.eachSupportedId())(
  'GithubBackfill on %s',
  (databaseId: TestDatabaseId) => {
    const double = githubDouble();
    let baseUrl: string;
    beforeAll(async () => {
      baseUrl = await double.start();
    });
    afterAll(() => double.stop());

    /** A backfill against the double, wired as the plugin wires it. */
    const newBackfill = (options: {
      store: DatabaseDoraStore;
      catalog: ReturnType<typeof catalogServiceMock>;
      logger: ReturnType<typeof mockServices.logger.mock>;
      perPage?: number;
      allowedOrganizations?: string[];
    }) => {
      const { store, catalog, logger } = options;
      const auth = mockServices.auth();
      return new GithubBackfill({
        octokit: new Octokit({ baseUrl }),
        store,
        ingestion: new IngestionService({
          store,
          catalog,
          auth,
          logger,
          config: readDoraConfig(new ConfigReader({})),
        }),
        catalog,
        auth,
        logger,
        lookbackMs: 30 * 86_400_000,
        perPage: options.perPage,
        allowedOrganizations: options.allowedOrganizations,
        now: () => Date.parse('2026-01-10T00:00:00Z'),
      });
    };

    it('backfills deployments and merged PRs, resumes after a failure, and only fetches what is new', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      const catalog = catalogServiceMock({ entities: testEntities });
      const logger = mockServices.logger.mock();
      const backfill = newBackfill({ store, catalog, logger, perPage: 2 });
      const stored = async () =>
        (
          await knex('dora_deployments')
            .orderBy('finished_at')
            .select('commit_sha')
        ).map(r => r.commit_sha);

      // Run 1: page 2 of the deployments fails; page 1 is kept.
      double.failPage(2);
      expect(await backfill.run()).toMatchObject({
        repositories: 2,
        failed: 1,
      });
      expect(await stored()).toEqual(['sha2', 'sha3']);
      expect(await store.getCursor('acme/a', 'deployments')).toEqual({
        since: null,
        nextPage: 2,
        passNewest: Date.parse('2026-01-03T09:00:00Z'),
      });

      // Run 2 resumes at page 2 and finishes both resources.
      double.failPage(undefined);
      double.requests.length = 0;
      expect(await backfill.run()).toMatchObject({ failed: 0 });
      expect(
        double.requests.filter(r => r.startsWith('/repos/acme/a/deployments?')),
      ).toEqual(['/repos/acme/a/deployments?per_page=2&page=2']);
      expect(await stored()).toEqual(['sha1', 'sha2', 'sha3']);
      const changes = await knex('dora_changes').select(
        'commit_sha',
        'pr_number',
        'squash_merge',
        'deployed_at',
      );
      expect(changes).toEqual([
        {
          commit_sha: 'sha3',
          pr_number: 11,
          squash_merge: expect.anything(),
          deployed_at: expect.anything(),
        },
      ]);
      expect(Number(changes[0].deployed_at)).toBe(
        Date.parse('2026-01-03T10:00:00Z'),
      );
      expect(await store.getCursor('acme/a', 'deployments')).toEqual({
        since: Date.parse('2026-01-03T09:00:00Z'),
        nextPage: null,
        passNewest: null,
      });

      // Run 3: nothing new; one page each, nothing added.
      double.requests.length = 0;
      expect(await backfill.run()).toMatchObject({ events: 0, failed: 0 });
      expect(
        double.requests.filter(r => r.startsWith('/repos/acme/a/deployments?')),
      ).toEqual(['/repos/acme/a/deployments?per_page=2&page=1']);
      expect(await stored()).toEqual(['sha1', 'sha2', 'sha3']);
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringContaining('DORA backfill acme/a deployments page 1'),
      );
    });

    it('skips repositories outside pavedRoad.github.allowedOrganizations, with a log line', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      // A team points its component at another organisation's repository.
      const catalog = catalogServiceMock({
        entities: [...testEntities, component('x', 'team-b', 'someone-else/x')],
      });
      const backfill = (
        allowedOrganizations: string[] | undefined,
        logger = mockServices.logger.mock(),
      ) => newBackfill({ store, catalog, logger, allowedOrganizations });
      const outsider = () =>
        double.requests.filter(r => r.startsWith('/repos/someone-else/'));

      double.failPage(undefined);
      double.requests.length = 0;
      const logger = mockServices.logger.mock();
      expect(await backfill(['acme'], logger).run()).toEqual({
        repositories: 2,
        events: 4,
        failed: 0,
        skipped: 1,
      });
      expect(outsider()).toEqual([]);
      expect(logger.warn).toHaveBeenCalledWith(
        'DORA backfill skips someone-else/x (component:default/x): repository someone-else/x is outside the allowed GitHub organisations (acme; pavedRoad.github.allowedOrganizations)',
      );
      expect(
        await knex('dora_backfill_cursors').where({ repo: 'someone-else/x' }),
      ).toEqual([]);

      // Unset (the default): every repository is read, as before.
      expect(await backfill(undefined).run()).toMatchObject({
        repositories: 3,
        skipped: 0,
      });
      expect(outsider()).not.toEqual([]);
    });
  },
);
