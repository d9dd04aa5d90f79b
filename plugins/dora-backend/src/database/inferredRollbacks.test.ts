import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DoraEvent } from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import {
  expectReferenceFigures,
  inFlight,
  comparableRows,
} from '../__testUtils__/database';
import { component, testEntities } from '../__testUtils__/fixtures';
import { DAY, generate, HOUR, START } from '../__testUtils__/history';
import { referenceSummary } from '../__testUtils__/reference';
import { readDoraConfig } from '../service/config';
import { IngestionService } from '../service/ingestion';
import { MetricsService } from '../service/metrics';
import { DatabaseDoraStore } from './DatabaseDoraStore';
import { refreshDeploymentFlags } from './operations/rollups/deploymentFlags';
import { rebuildDeploymentRollups } from './operations/rollups/deploymentRollups';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const T0 = Date.parse('2026-01-05T00:00:00Z');
const WINDOW = { from: '2026-01-01T00:00:00Z', to: '2026-01-15T00:00:00Z' };
const at = (ms: number) => new Date(ms).toISOString();

/** A successful deployment to production, `hours` after T0, of `sha`. */
const deploy = (
  key: string,
  hours: number,
  sha: string | undefined,
  extra: Partial<Extract<DoraEvent, { type: 'deployment' }>> = {},
): DoraEvent => ({
  type: 'deployment',
  idempotencyKey: key,
  service: 'a',
  environment: 'production',
  status: 'success',
  finishedAt: at(T0 + hours * HOUR),
  ...(sha ? { commitSha: sha } : {}),
  ...extra,
});

/** Every order of `items`. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map(p => [
      item,
      ...p,
    ]),
  );
}

/** Text columns: the others are numbers (bigint strings on PostgreSQL). */
const TEXT_COLUMNS = new Set([
  'key',
  'kind',
  'remediates',
  'environment',
  'scope_kind',
  'scope_ref',
]);

/**
 * Each deployment (of one service, when given) with its kind, what it
 * remediates (by key) and the failure flags and recovery of both targets;
 * keys without the `strip` prefix.
 */
async function deploymentState(
  knex: Knex,
  service?: string,
  strip = '',
): Promise<Array<Record<string, any>>> {
  const q = knex('dora_deployments as d')
    .leftJoin('dora_deployments as t', 't.id', 'd.remediates_deployment_id')
    .orderBy('d.idempotency_key')
    .select(
      'd.idempotency_key as key',
      'd.kind',
      'd.kind_declared',
      'd.rollback_inferred',
      't.idempotency_key as remediates',
      ...['', 'env_'].flatMap(p => [
        `d.${p}failed_by_incident`,
        `d.${p}failed_by_rollback`,
        `d.${p}failed_by_hotfix`,
        `d.${p}recovered_at`,
        `d.${p}recovery_ms`,
      ]),
    );
  if (service) q.where('d.service_ref', `component:default/${service}`);
  return comparableRows(await q, TEXT_COLUMNS).map(r => ({
    ...r,
    key: r.key.slice(strip.length),
    remediates: r.remediates && r.remediates.slice(strip.length),
  }));
}

/** The deployment day rollups of both targets (of one service's scope). */
async function deploymentDays(knex: Knex, service?: string) {
  const rows = async (table: string) => {
    const q = knex(table).orderBy(['scope_kind', 'scope_ref', 'day']);
    if (table === 'dora_env_deployment_days') q.orderBy('environment');
    if (service) {
      q.where({
        scope_kind: 'service',
        scope_ref: `component:default/${service}`,
      });
    }
    // One service's rows, without its name, to compare services.
    return comparableRows(await q, TEXT_COLUMNS).map(r =>
      service ? { ...r, scope_ref: 'service' } : r,
    );
  };
  return {
    production: await rows('dora_rollup_deployment_days'),
    environments: await rows('dora_env_deployment_days'),
  };
}

/** Deployments, flags and rollups, for comparing whole stores. */
async function storeState(knex: Knex) {
  return {
    deployments: await deploymentState(knex),
    days: await deploymentDays(knex),
  };
}

/** The generated history, with inferred rollbacks, as batches. */
const history = (seed: number) => generate(seed, { inferKinds: true });

/** Its events without the `regular` kinds sent (all inferred then). */
const withoutRegularKinds = (batches: DoraEvent[][]) =>
  batches.map(batch =>
    batch.map(e => {
      if (e.type !== 'deployment' || e.kind !== 'regular') return e;
      const { kind: _, ...rest } = e;
      return rest;
    }),
  );

describe.each(databases.eachSupportedId())(
  'inferred rollbacks on %s',
  (databaseId: TestDatabaseId) => {
    async function setup(entities: Entity[] = testEntities) {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const catalog = catalogServiceMock({ entities });
      const auth = mockServices.auth();
      const ingestion = new IngestionService({
        store,
        catalog,
        auth,
        config: readDoraConfig(new ConfigReader({})),
        logger: mockServices.logger.mock(),
      });
      const metrics = new MetricsService({ store, catalog, auth });
      const send = (events: DoraEvent[]) =>
        ingestion.ingest(ingestion.parse({ events }));
      return { knex, store, metrics, send };
    }

    it('marks A re-deployed after B a rollback of B, and B a failed change', async () => {
      const { knex, store, metrics, send } = await setup();
      await send([
        deploy('a1', 0, 'A'),
        deploy('b1', 2, 'B'),
        deploy('a2', 5, 'A'),
      ]);
      expect(await deploymentState(knex)).toEqual([
        expect.objectContaining({
          key: 'a1',
          kind: 'regular',
          kind_declared: 0,
          rollback_inferred: 0,
          remediates: null,
          failed_by_rollback: 0,
        }),
        expect.objectContaining({
          key: 'a2',
          kind: 'rollback',
          kind_declared: 0,
          rollback_inferred: 1,
          remediates: 'b1',
          failed_by_rollback: 0,
        }),
        expect.objectContaining({
          key: 'b1',
          kind: 'regular',
          rollback_inferred: 0,
          remediates: null,
          failed_by_rollback: 1,
          recovery_ms: 3 * HOUR,
          env_failed_by_rollback: 1,
          env_recovery_ms: 3 * HOUR,
        }),
      ]);

      // Counted exactly as a declared rollback: a failed change, rework.
      const { current } = await metrics.metrics({ scope: 'org', ...WINDOW });
      expect(current.changeFailureRate).toMatchObject({
        deployments: 3,
        failed: 1,
        byReason: { incident: 0, rollback: 1, hotfix: 0 },
      });
      expect(current.recoveryTime).toMatchObject({
        failedDeployments: 1,
        recovered: 1,
        medianMs: 3 * HOUR,
      });
      expect(current.reworkRate).toMatchObject({
        deployments: 3,
        unplanned: 1,
      });

      // Shown as such in the drill-down and data quality.
      const listed = await metrics.list(
        'deployments',
        { scope: 'org', ...WINDOW },
        10,
      );
      expect(
        (listed.items as any[]).map(d => [
          d.idempotencyKey,
          d.kind,
          d.rollbackInferred,
          d.failed,
        ]),
      ).toEqual([
        ['a2', 'rollback', true, false],
        ['b1', 'regular', false, true],
        ['a1', 'regular', false, false],
      ]);
      for (const environment of [undefined, 'production']) {
        expect(
          await metrics.dataQuality({ scope: 'org', ...WINDOW, environment }),
        ).toMatchObject({ inferredRollbacks: 1 });
      }
      expect(
        await metrics.dataQuality({
          scope: 'org',
          ...WINDOW,
          environment: 'staging',
        }),
      ).toMatchObject({ inferredRollbacks: 0 });

      // An incident opened before the rollback is linked to what it rolled
      // back, as for a declared rollback.
      await send([
        {
          type: 'incident',
          idempotencyKey: 'i1',
          service: 'a',
          openedAt: at(T0 + 4 * HOUR),
          resolvedAt: at(T0 + 6 * HOUR),
        },
      ]);
      const [link] = await knex('dora_incidents as i')
        .join('dora_deployments as d', 'd.id', 'i.caused_by_deployment_id')
        .select('i.link_method', 'd.idempotency_key');
      expect(link).toEqual({ link_method: 'rollback', idempotency_key: 'b1' });

      const window = {
        from: Date.parse(WINDOW.from),
        to: Date.parse(WINDOW.to),
      };
      await expectReferenceFigures(knex, store, {
        windows: [window],
        environments: [undefined, 'production'],
      });
    });

    it('keeps the kind an event sent, regular included', async () => {
      const { knex, metrics, send } = await setup();
      await send([
        // A sent as regular: not a rollback.
        deploy('a1', 0, 'A'),
        deploy('b1', 2, 'B'),
        deploy('a2', 5, 'A', { kind: 'regular' }),
        // A sent as a hotfix of the first deployment: as sent.
        deploy('b-a1', 0, 'A', { service: 'b' }),
        deploy('b-b1', 2, 'B', { service: 'b' }),
        deploy('b-a2', 5, 'A', {
          service: 'b',
          kind: 'hotfix',
          remediates: 'b-a1',
        }),
      ]);
      const state = await deploymentState(knex);
      expect(
        state.map(d => [
          d.key,
          d.kind,
          d.kind_declared,
          d.rollback_inferred,
          d.remediates,
          d.failed_by_rollback + d.failed_by_hotfix,
        ]),
      ).toEqual([
        ['a1', 'regular', 0, 0, null, 0],
        ['a2', 'regular', 1, 0, null, 0],
        ['b-a1', 'regular', 0, 0, null, 1],
        ['b-a2', 'hotfix', 1, 0, 'b-a1', 0],
        ['b-b1', 'regular', 0, 0, null, 0],
        ['b1', 'regular', 0, 0, null, 0],
      ]);
      expect(
        await metrics.dataQuality({ scope: 'org', ...WINDOW }),
      ).toMatchObject({ inferredRollbacks: 0 });
    });

    it("reads only a production environment's own history", async () => {
      const { knex, send } = await setup();
      await send([
        // Staging does not count.
        deploy('s1', 0, 'A', { environment: 'staging' }),
        deploy('s2', 1, 'B', { environment: 'staging' }),
        deploy('s3', 2, 'A', { environment: 'staging' }),
        // Each production environment has its own live deployment.
        deploy('eu1', 0, 'A', { environment: 'production-eu' }),
        deploy('us1', 1, 'B', { environment: 'production-us' }),
        deploy('eu2', 2, 'A', { environment: 'production-eu' }),
        // A failed deployment job was never live.
        deploy('f1', 0, 'A', { environment: 'prod-x' }),
        deploy('f2', 1, 'B', { environment: 'prod-x', status: 'failure' }),
        deploy('f3', 2, 'A', { environment: 'prod-x' }),
        // X, Y, X, Y: back to X, then forward to Y again; after a
        // deployment of an unknown commit, nothing is known to be older.
        deploy('x1', 0, 'X'),
        deploy('y1', 1, 'Y'),
        deploy('x2', 2, 'X'),
        deploy('y2', 3, 'Y'),
        deploy('n1', 4, undefined),
        deploy('x3', 5, 'X'),
      ]);
      expect(
        (await deploymentState(knex))
          .filter(d => d.rollback_inferred)
          .map(d => [d.key, d.remediates]),
      ).toEqual([['x2', 'y1']]);
    });

    it('orders commits first deployed at the same moment by idempotency key', async () => {
      const { knex, send } = await setup();
      // B (key k1) and A (k2) first deployed at the same moment: B first,
      // then A live. k3 re-deploys A; sent last, k4 goes from A back to B:
      // a rollback of k3. With the keys the other way round (service b), A
      // comes first and B is live: m3 goes back to A (a rollback of m2),
      // and m4 forward to B again.
      for (const [service, keys] of [
        ['a', ['k1', 'k2', 'k3', 'k4']],
        ['b', ['m2', 'm1', 'm3', 'm4']],
      ] as const) {
        await send([
          deploy(keys[0], 0, 'B', { service }),
          deploy(keys[1], 0, 'A', { service }),
        ]);
        await send([deploy(keys[2], 1, 'A', { service })]);
        await send([deploy(keys[3], 2, 'B', { service })]);
      }
      expect(
        (await deploymentState(knex))
          .filter(d => d.rollback_inferred)
          .map(d => [d.key, d.remediates]),
      ).toEqual([
        ['k4', 'k3'],
        ['m3', 'm2'],
      ]);
    });

    it('stores the same inference whatever order the events arrive in', async () => {
      // d3 rolls back d2; d5 rolls back d4 (same finish: d4 first by key).
      const events = (service: string) => [
        deploy(`${service}-d1`, 0, 'A', { service }),
        deploy(`${service}-d2`, 1, 'B', { service }),
        deploy(`${service}-d3`, 2, 'A', { service }),
        deploy(`${service}-d4`, 3, 'C', { service }),
        deploy(`${service}-d5`, 3, 'B', { service }),
      ];
      const orders = permutations([0, 1, 2, 3, 4]);
      // One service per order, one request per event; a second set with
      // all five requests of a service in flight at once; a third in two
      // batches.
      const one = orders.map((_, i) => `p${i}`);
      const atOnce = orders
        .filter((_, i) => i % 3 === 0)
        .map((_, i) => `q${i}`);
      const batched = orders
        .filter((_, i) => i % 6 === 0)
        .map((_, i) => `r${i}`);
      const { knex, store, send } = await setup([
        ...testEntities,
        ...['in-order', ...one, ...atOnce, ...batched].map(s =>
          component(s, 'team-a'),
        ),
      ]);
      for (const e of events('in-order')) await send([e]);
      await inFlight(
        one.map((s, i) => ({ s, order: orders[i] })),
        8,
        async ({ s, order }) => {
          const all = events(s);
          for (const i of order) await send([all[i]]);
        },
      );
      await inFlight(
        atOnce.map((s, i) => ({ s, order: orders[i * 3] })),
        8,
        ({ s, order }) => {
          const all = events(s);
          return Promise.all(order.map(i => send([all[i]])));
        },
      );
      await inFlight(
        batched.map((s, i) => ({ s, order: orders[i * 6] })),
        8,
        async ({ s, order }) => {
          const all = events(s);
          const sorted = order.map(i => all[i]);
          await send(sorted.slice(0, 2));
          await send(sorted.slice(2));
        },
      );
      await store.refreshStaleRollups();

      const expected = await deploymentState(knex, 'in-order', 'in-order-');
      expect(
        expected
          .filter(d => d.rollback_inferred)
          .map(d => [d.key, d.remediates, d.kind]),
      ).toEqual([
        ['d3', 'd2', 'rollback'],
        ['d5', 'd4', 'rollback'],
      ]);
      expect(
        expected.filter(d => d.failed_by_rollback).map(d => d.key),
      ).toEqual(['d2', 'd4']);
      const days = await deploymentDays(knex, 'in-order');
      expect(days.production).toEqual([
        expect.objectContaining({
          deployments: 5,
          unplanned: 2,
          by_rollback: 2,
        }),
      ]);
      for (const s of [...one, ...atOnce, ...batched]) {
        expect({ s, state: await deploymentState(knex, s, `${s}-`) }).toEqual({
          s,
          state: expected,
        });
        expect({ s, days: await deploymentDays(knex, s) }).toEqual({
          s,
          days,
        });
      }
      const window = {
        from: Date.parse(WINDOW.from),
        to: Date.parse(WINDOW.to),
      };
      expect(await store.summary(window, { weekly: true })).toEqual(
        await referenceSummary(knex, { ...window, weekly: true }),
      );
    });

    it('gives the reference figures and the in-order inference with writers in any order', async () => {
      // In order, batch by batch.
      const inOrder = await setup();
      for (const batch of history(21)) await inOrder.send(batch);

      // Every event in its own request, shuffled, eight in flight; a
      // remediation or explicit incident link that overtook its deployment
      // is refused and sent again later, as a client retries.
      const { knex, store, send } = await setup();
      const events = history(21).flat();
      let seed = 7;
      const random = () => {
        seed = (seed * 16807) % 2147483647;
        return seed / 2147483647;
      };
      for (let i = events.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [events[i], events[j]] = [events[j], events[i]];
      }
      const queue = [...events];
      let retried = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < queue.length) {
            const event = queue[next++];
            try {
              await send([event]);
            } catch (error) {
              if (!(error instanceof InputError)) throw error;
              retried++;
              queue.push(event);
            }
          }
        }),
      );
      expect(retried).toBeGreaterThan(0);

      // Incidents link to what was stored when they arrived: compare the
      // inference only (flags follow the links).
      const inference = async (db: Knex) =>
        (await deploymentState(db)).map(d => [
          d.key,
          d.kind,
          d.kind_declared,
          d.rollback_inferred,
          d.remediates,
        ]);
      const expected = await inference(inOrder.knex);
      expect(expected.filter(d => d[3]).length).toBeGreaterThan(2);
      expect(await inference(knex)).toEqual(expected);
      const windows = [
        { from: START, to: START + 40 * DAY },
        { from: START + 5 * DAY + 7 * HOUR, to: START + 24 * DAY + 1 },
      ];
      const targets = [undefined, 'production-eu', 'staging'];
      await expectReferenceFigures(knex, store, {
        windows,
        environments: targets,
      });
      await store.refreshStaleRollups();
      await expectReferenceFigures(knex, store, {
        windows,
        environments: targets,
      });
    });

    it('rebuilds the inferred rollbacks with the rollups', async () => {
      const { knex, store, send } = await setup();
      for (const batch of history(22)) await send(batch);
      await store.refreshStaleRollups();
      const byIngestion = await storeState(knex);
      expect(
        byIngestion.deployments.filter(d => d.rollback_inferred).length,
      ).toBeGreaterThan(2);
      await knex('dora_deployments').where('rollback_inferred', true).update({
        kind: 'regular',
        remediates_deployment_id: null,
        rollback_inferred: false,
      });
      await store.rebuildRollups();
      expect(await storeState(knex)).toEqual(byIngestion);
    });

    it('infers the rollbacks of an upgraded install at start', async () => {
      // Stored rows cannot tell a regular kind sent from one not sent: the
      // upgrade reads them as not sent, as in this history.
      const { knex, send } = await setup();
      for (const batch of withoutRegularKinds(history(23))) await send(batch);
      const directory = resolvePackagePath(
        '@internal/plugin-dora-backend',
        'migrations',
      );
      const started = async () => {
        const store = await DatabaseDoraStore.create({
          database: mockServices.database({ knex }),
        });
        await store.refreshStaleRollups();
        return store;
      };
      const store = await started();
      const byIngestion = await storeState(knex);
      const inferred = byIngestion.deployments.filter(d => d.rollback_inferred);
      expect(inferred.length).toBeGreaterThan(2);
      const window = { from: START, to: START + 40 * DAY };
      const figures = await store.summary(window, { weekly: false });

      // Back to the schema before inferred rollbacks: they are regular
      // again, and the previous version is asked to rebuild its rollups.
      while (
        await knex.schema.hasColumn('dora_deployments', 'rollback_inferred')
      ) {
        await knex.migrate.down({ directory });
      }
      expect(await knex('dora_pending_backfills')).toEqual([
        { name: 'environment-rollups' },
      ]);
      const reverted = await knex('dora_deployments')
        .whereIn(
          'idempotency_key',
          inferred.map(d => d.key),
        )
        .select('kind', 'remediates_deployment_id');
      expect(new Set(reverted.map(r => JSON.stringify(r)))).toEqual(
        new Set([
          JSON.stringify({ kind: 'regular', remediates_deployment_id: null }),
        ]),
      );
      // What that rebuild leaves (flags and rollups from the raw rows): an
      // install that never inferred a rollback.
      await knex('dora_pending_backfills').delete();
      await refreshDeploymentFlags(knex);
      await rebuildDeploymentRollups(knex);
      const before = await store.summary(window, { weekly: false });
      expect(before.failedByRollback).toBeLessThan(figures.failedByRollback);
      expect(before.unplanned).toBe(figures.unplanned - inferred.length);

      // Upgraded: the first start infers them, and the refresh folds the
      // days that changed.
      await knex.migrate.latest({ directory });
      expect(await knex('dora_pending_backfills')).toEqual([
        { name: 'inferred-rollbacks' },
      ]);
      const upgraded = await started();
      expect(await knex('dora_pending_backfills')).toEqual([]);
      expect(await storeState(knex)).toEqual(byIngestion);
      expect(await upgraded.summary(window, { weekly: false })).toEqual(
        figures,
      );
    });
  },
);
