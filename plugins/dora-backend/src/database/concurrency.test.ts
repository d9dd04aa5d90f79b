import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DoraEvent } from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { InputError } from '@backstage/errors';
import knexFactory from 'knex';
import {
  expectReferenceFigures,
  inFlight,
  comparableRows,
} from '../__testUtils__/database';
import { testEntities } from '../__testUtils__/fixtures';
import { DAY, generate, HOUR, START } from '../__testUtils__/history';
import { referenceSummary } from '../__testUtils__/reference';
import { readDoraConfig } from '../service/config';
import { IngestionService } from '../service/ingestion';
import { RollupRefresher } from '../service/RollupRefresher';
import { DatabaseDoraStore } from './DatabaseDoraStore';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const SERVICES = ['a', 'a2', 'b'];
/** Pairs (or triples) of requests in flight at once, as in the issue. */
const IN_FLIGHT = 8;

const at = (ms: number) => new Date(ms).toISOString();

/** A change, with a PR for most, so that every change metric has values. */
function change(i: number, sha: string, service: string): DoraEvent {
  const authored = START + i * 3 * HOUR;
  return {
    type: 'change',
    idempotencyKey: `chg-${sha}`,
    service,
    commitSha: sha,
    authoredAt: at(authored),
    ...(i % 4 !== 0
      ? {
          prNumber: i + 1,
          prOpenedAt: at(authored + ((i * 37) % 11) * HOUR),
          mergedAt: at(authored + (12 + ((i * 53) % 30)) * HOUR),
          squashMerge: i % 3 === 0,
        }
      : {}),
  };
}

/** A successful production deployment of `sha`, lead times spread widely. */
function deployment(
  i: number,
  key: string,
  sha: string,
  service: string,
  environment = 'production',
  delayHours = 0,
): DoraEvent {
  const lead = (43 + ((i * 7919) % 400) * 1.7 + delayHours) * HOUR;
  return {
    type: 'deployment',
    idempotencyKey: key,
    service,
    environment,
    status: 'success',
    finishedAt: at(START + i * 3 * HOUR + lead),
    commitSha: sha,
  };
}

/** The change-day histogram, without cells whose count went back to 0. */
async function changeDays(knex: Knex) {
  return comparableRows(
    await knex('dora_rollup_change_days')
      .where('n', '>', 0)
      .orderBy(['scope_kind', 'scope_ref', 'metric', 'level', 'bucket', 'day'])
      .select(
        'scope_kind',
        'scope_ref',
        'metric',
        'level',
        'bucket',
        'day',
        'n',
      ),
  );
}

/** Each change with the deployment it is linked to and its derived values. */
async function changeLinks(knex: Knex) {
  return comparableRows(
    await knex('dora_changes as c')
      .leftJoin('dora_deployments as d', 'd.id', 'c.deployment_id')
      .orderBy('c.commit_sha')
      .select(
        'c.commit_sha',
        'd.idempotency_key as deployment',
        'c.deployed_at',
        'c.owner_ref',
        'c.fallback',
        ...['lead', 'coding', 'review', 'waiting'].flatMap(m => [
          `c.${m}_ms`,
          `c.${m}_bucket`,
        ]),
      ),
  );
}

/** Lead-time changes the organisation's histogram counts. */
async function countedLeadTimes(knex: Knex) {
  const [{ n }] = await knex('dora_rollup_change_days')
    .where({ scope_kind: 'org', metric: 'lead', level: 0 })
    .sum({ n: 'n' });
  return Number(n ?? 0);
}

describe.each(databases.eachSupportedId())(
  'concurrent ingestion on %s',
  (databaseId: TestDatabaseId) => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const ingestion = new IngestionService({
        store,
        catalog: catalogServiceMock({ entities: testEntities }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        config: readDoraConfig(
          new ConfigReader({
            dora: { environments: { 'eu-1': 'production' } },
          }),
        ),
      });
      const send = (events: DoraEvent[]) =>
        ingestion.ingest(ingestion.parse({ events }));
      return { knex, send };
    }

    it('links every change whose deployment arrives at the same moment', async () => {
      const pairs = Array.from({ length: 200 }, (_, i) => {
        const sha = `x${i}`;
        const service = SERVICES[i % SERVICES.length];
        return {
          change: change(i, sha, service),
          deployment: deployment(i, `dep-${sha}`, sha, service),
        };
      });

      // Each pair: the change and its deployment in two requests started at
      // the same moment (in either order), 8 pairs in flight.
      const concurrent = await setup();
      await inFlight(pairs, IN_FLIGHT, p => {
        const requests = [[p.change], [p.deployment]];
        if (pairs.indexOf(p) % 2) requests.reverse();
        return Promise.all(requests.map(concurrent.send));
      });

      // The same pairs, one request after the other.
      const sequential = await setup();
      for (const p of pairs) {
        await sequential.send([p.change]);
        await sequential.send([p.deployment]);
      }

      const unlinked = async (knex: Knex) =>
        Number(
          (
            await knex('dora_changes')
              .whereNull('deployment_id')
              .count({ n: '*' })
          )[0].n,
        );
      expect({
        unlinked: await unlinked(concurrent.knex),
        countedLeadTimes: await countedLeadTimes(concurrent.knex),
      }).toEqual({ unlinked: 0, countedLeadTimes: 200 });
      expect(await unlinked(sequential.knex)).toBe(0);
      expect(await countedLeadTimes(sequential.knex)).toBe(200);
      expect(await changeLinks(concurrent.knex)).toEqual(
        await changeLinks(sequential.knex),
      );
      const histogram = await changeDays(sequential.knex);
      expect(histogram.length).toBeGreaterThan(100);
      expect(await changeDays(concurrent.knex)).toEqual(histogram);
    });

    it('counts a change once when two production deployments of it arrive at once', async () => {
      const triples = Array.from({ length: 100 }, (_, i) => {
        const sha = `y${i}`;
        const service = SERVICES[i % SERVICES.length];
        // Which of the two finishes first alternates; the change is linked
        // to the first.
        const [us, eu] = i % 2 ? [0, 5] : [5, 0];
        return {
          change: change(i, sha, service),
          deployments: [
            deployment(i, `dep-${sha}-us`, sha, service, 'production', us),
            deployment(i, `dep-${sha}-eu`, sha, service, 'eu-1', eu),
          ],
        };
      });

      const concurrent = await setup();
      await concurrent.send(triples.map(t => t.change));
      await inFlight(triples, IN_FLIGHT, t =>
        Promise.all(t.deployments.map(d => concurrent.send([d]))),
      );

      const sequential = await setup();
      await sequential.send(triples.map(t => t.change));
      for (const t of triples) {
        for (const d of t.deployments) await sequential.send([d]);
      }

      const links = await changeLinks(sequential.knex);
      expect(
        links.filter(l => String(l.deployment).endsWith('-us')),
      ).toHaveLength(50);
      const concurrentLinks = await changeLinks(concurrent.knex);
      expect({
        countedLeadTimes: await countedLeadTimes(concurrent.knex),
        misLinked: links.filter(
          (l, i) => concurrentLinks[i]?.deployment !== l.deployment,
        ).length,
      }).toEqual({ countedLeadTimes: 100, misLinked: 0 });
      expect(concurrentLinks).toEqual(links);
      expect(await changeDays(concurrent.knex)).toEqual(
        await changeDays(sequential.knex),
      );
    });

    it('gives the reference figures after eight writers through two backends', async () => {
      const knex = await databases.init(databaseId);
      // A second backend on the same database: its own connection pool on
      // PostgreSQL; SQLite (one in-memory database) is shared as it is.
      const knex2 =
        databaseId === 'SQLITE_3' ? knex : knexFactory(knex.client.config);
      const backends = await Promise.all(
        [knex, knex2].map(async (db, i) => {
          const store = await DatabaseDoraStore.create({
            database: mockServices.database({
              knex: db,
              migrations: { skip: i > 0 },
            }),
          });
          const logger = mockServices.logger.mock();
          // The first backend folds stale rollups after its batches; the
          // second leaves them to a scheduled run that comes later.
          const refresher =
            i === 0 ? new RollupRefresher({ store, logger }) : undefined;
          const ingestion = new IngestionService({
            store,
            catalog: catalogServiceMock({ entities: testEntities }),
            auth: mockServices.auth(),
            logger,
            config: readDoraConfig(new ConfigReader({})),
            refresher,
          });
          return { store, refresher, ingestion };
        }),
      );

      // Every event in its own request; every fifth a webhook delivery,
      // delivered twice at once (to both backends). A remediation or an
      // explicitly linked incident that overtook its deployment is refused
      // and sent again later, as a client retries.
      const batches = generate(7);
      const explicit = batches.pop()!;
      type Request = { events: DoraEvent[]; delivery?: string };
      const queue: Request[] = batches.flat().map((event, i) => ({
        events: [event],
        ...(i % 5 === 0 ? { delivery: `delivery-${i}` } : {}),
      }));
      let retried = 0;
      let replays = 0;
      const send = async (request: Request, backend: number) => {
        const copies = request.delivery ? [0, 1] : [backend];
        const results = await Promise.allSettled(
          copies.map(b => {
            const { ingestion } = backends[b];
            return ingestion.ingest(
              ingestion.parse({ events: request.events }),
              request.delivery
                ? { delivery: { id: request.delivery, event: 'push' } }
                : undefined,
            );
          }),
        );
        for (const result of results) {
          if (result.status === 'fulfilled') {
            if (result.value.replay) replays++;
          } else if (
            result.reason instanceof InputError &&
            /no deployment/.test(result.reason.message)
          ) {
            retried++;
            queue.push(request);
            return;
          } else {
            throw result.reason;
          }
        }
      };
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async (_, writer) => {
          while (next < queue.length) {
            await send(queue[next++], writer % 2);
          }
        }),
      );
      // The explicitly linked incidents last, through the second backend
      // only, once the first has folded what it stored.
      await backends[0].refresher!.idle();
      await inFlight(explicit, IN_FLIGHT, (event: DoraEvent) =>
        send({ events: [event] }, 1),
      );
      const deliveries = queue.filter(r => r.delivery).length;
      expect(replays).toBeGreaterThanOrEqual(deliveries);
      expect(
        Number(
          (
            await knex('dora_webhook_deliveries').countDistinct({
              n: 'delivery_id',
            })
          )[0].n,
        ),
      ).toBeGreaterThan(0);

      // No change stays unlinked while a successful production deployment
      // of its service contains it.
      const [{ n: unlinked }] = await knex('dora_changes as c')
        .whereNull('c.deployment_id')
        .whereExists(q =>
          q
            .select(knex.raw('1'))
            .from('dora_deployment_commits as dc')
            .join('dora_deployments as d', 'd.id', 'dc.deployment_id')
            .whereRaw('dc.service_ref = c.service_ref')
            .whereRaw('dc.commit_sha = c.commit_sha')
            .where({
              'd.environment_tier': 'production',
              'd.status': 'success',
            }),
        )
        .count({ n: '*' });
      expect(Number(unlinked)).toBe(0);

      const windows = [
        { from: START, to: START + 40 * DAY },
        { from: START + 5 * DAY + 7 * HOUR, to: START + 24 * DAY + 1 },
      ];
      const targets = [undefined, 'production-eu', 'production-us', 'staging'];
      const compare = () =>
        expectReferenceFigures(knex, backends[1].store, {
          windows,
          environments: targets,
        });
      // With the days the explicit incidents touched still stale, then with
      // all of them folded.
      expect((await knex('dora_rollup_dirty_days')).length).toBeGreaterThan(0);
      await compare();
      await backends[1].store.refreshStaleRollups();
      expect(await knex('dora_rollup_dirty_days')).toEqual([]);
      await compare();
      const reference = await referenceSummary(knex, {
        from: START,
        to: START + 40 * DAY,
      });
      expect(reference.deployments).toBeGreaterThan(20);
      expect(reference.changes).toBeGreaterThan(20);
      expect(reference.incidentsOpened).toBeGreaterThan(10);
      expect(retried + replays).toBeGreaterThan(0);
      if (knex2 !== knex) await knex2.destroy();
    });
  },
);
