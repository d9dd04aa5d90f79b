import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import {
  comparableRows,
  expectReferenceFigures,
} from '../__testUtils__/database';
import { testEntities } from '../__testUtils__/fixtures';
import { DAY, generate, HOUR, scopes, START } from '../__testUtils__/history';
import { referenceSummary } from '../__testUtils__/reference';
import { readDoraConfig } from '../service/config';
import { IngestionService } from '../service/ingestion';
import { DatabaseDoraStore } from './DatabaseDoraStore';
import { DETAIL_FIGURES } from './types';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
/**
 * The generated history, stored batch by batch. With `foldHalfway`, the
 * background refresh runs once after half the batches: later batches then
 * make days stale that already have rollup rows.
 */
async function ingested(
  knex: Knex,
  seed: number,
  options: { foldHalfway?: boolean; inferKinds?: boolean } = {},
) {
  const store = await DatabaseDoraStore.create({
    database: mockServices.database({ knex }),
  });
  const ingestion = new IngestionService({
    store,
    catalog: catalogServiceMock({ entities: testEntities }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    config: readDoraConfig(new ConfigReader({})),
  });
  const batches = generate(seed, { inferKinds: options.inferKinds });
  for (const [i, batch] of batches.entries()) {
    if (options.foldHalfway && i === Math.floor(batches.length / 2)) {
      await store.refreshStaleRollups();
    }
    await ingestion.ingest(ingestion.parse({ events: batch }));
  }
  return store;
}

/** The rollup tables and derived columns, in a comparable order. */
async function rollupState(knex: Knex) {
  const changeColumns = [
    'id',
    'fallback',
    ...['lead', 'coding', 'review', 'waiting'].flatMap(m => [
      `${m}_ms`,
      `${m}_bucket`,
    ]),
  ];
  return {
    deploymentDays: comparableRows(
      await knex('dora_rollup_deployment_days').orderBy([
        'scope_kind',
        'scope_ref',
        'day',
      ]),
    ),
    // Ingestion leaves cells whose count went back to zero.
    changeDays: comparableRows(
      await knex('dora_rollup_change_days')
        .where('n', '>', 0)
        .orderBy([
          'scope_kind',
          'scope_ref',
          'metric',
          'level',
          'bucket',
          'day',
        ]),
    ),
    deployments: comparableRows(
      await knex('dora_deployments')
        .orderBy('id')
        .select(
          'id',
          'failed_by_incident',
          'failed_by_rollback',
          'failed_by_hotfix',
          'recovered_at',
          'recovery_ms',
        ),
    ),
    changes: comparableRows(
      await knex('dora_changes').orderBy('id').select(changeColumns),
    ),
  };
}

/** The per-environment rollups and the columns they come from. */
async function environmentRollupState(knex: Knex) {
  const changeColumns = [
    'change_id',
    'environment',
    'deployment_id',
    'deployed_at',
    'owner_ref',
    'fallback',
    ...['lead', 'coding', 'review', 'waiting'].flatMap(m => [
      `${m}_ms`,
      `${m}_bucket`,
    ]),
  ];
  return {
    changes: comparableRows(
      await knex('dora_change_environments')
        .orderBy(['change_id', 'environment'])
        .select(changeColumns),
    ),
    deploymentDays: comparableRows(
      await knex('dora_env_deployment_days').orderBy([
        'environment',
        'scope_kind',
        'scope_ref',
        'day',
      ]),
    ),
    // Ingestion leaves cells whose count went back to zero.
    changeDays: comparableRows(
      await knex('dora_env_change_days')
        .where('n', '>', 0)
        .orderBy([
          'environment',
          'scope_kind',
          'scope_ref',
          'metric',
          'level',
          'bucket',
          'day',
        ]),
    ),
    deployments: comparableRows(
      await knex('dora_deployments')
        .orderBy('id')
        .select(
          'id',
          'env_failed_by_incident',
          'env_failed_by_rollback',
          'env_failed_by_hotfix',
          'env_recovered_at',
          'env_recovery_ms',
        ),
    ),
  };
}

describe.each(databases.eachSupportedId())(
  'store vs reference SQL on %s',
  (databaseId: TestDatabaseId) => {
    it.each([[1], [2], [3]])(
      'gives the same figures on generated data set %i',
      async seed => {
        const knex = await databases.init(databaseId);
        const store = await ingested(knex, seed, { foldHalfway: true });
        const windows = [
          // Whole UTC days: served from the rollups, weekly buckets included.
          { from: START + 5 * DAY, to: START + 25 * DAY },
          { from: START - 15 * DAY, to: START + 5 * DAY },
          { from: START, to: START + 40 * DAY },
          // Not day-aligned: served from the raw rows.
          { from: START + 5 * DAY + 7 * HOUR, to: START + 24 * DAY + 1 },
        ];
        // First with the deployment rollups of the later batches' days
        // stale (those days read from the raw rows, the others from the
        // rollups), then with all folded by the background refresh.
        const staleDays = async () =>
          Number((await knex('dora_rollup_dirty_days').count({ n: '*' }))[0].n);
        for (const rollups of ['stale', 'folded']) {
          const staleBefore = await staleDays();
          expect({ rollups, stale: staleBefore > 0 }).toEqual({
            rollups,
            stale: rollups === 'stale',
          });
          for (const window of windows) {
            for (const scope of scopes) {
              const fast = await store.summary(
                { ...window, ...scope },
                { weekly: true },
              );
              const ref = await referenceSummary(knex, {
                ...window,
                serviceRef: scope.serviceRefs?.[0],
                ownerRefs: scope.ownerRefs,
                weekly: true,
              });
              expect(fast).toEqual(ref);
              // The previous window of GET /metrics: the same headline figures.
              const headline = await store.summary(
                { ...window, ...scope },
                { weekly: false, headline: true },
              );
              expect(headline).toEqual({
                ...ref,
                ...Object.fromEntries(DETAIL_FIGURES.map(f => [f, null])),
                weekly: [],
              });
            }
          }
          // Reads leave the refresh to the background: they write nothing.
          expect(await staleDays()).toBe(staleBefore);
          await store.refreshStaleRollups();
        }
        const ref = await referenceSummary(knex, {
          from: START + 5 * DAY,
          to: START + 25 * DAY,
        });
        expect(ref.deployments).toBeGreaterThan(5);
        expect(ref.changes).toBeGreaterThan(3);
        expect(ref.failed).toBeGreaterThan(0);
        expect(ref.recovered).toBeGreaterThan(0);
        expect(ref.incidentsResolved).toBeGreaterThan(0);
      },
    );

    it.each([[1], [2]])(
      'gives the same figures per environment on generated data set %i',
      async seed => {
        const knex = await databases.init(databaseId);
        const store = await ingested(knex, seed, { foldHalfway: true });
        const windows = [
          // Whole UTC days: the environment's rollups.
          { from: START + 5 * DAY, to: START + 25 * DAY },
          { from: START + 5 * DAY + 7 * HOUR, to: START + 24 * DAY + 1 },
        ];
        const environments = ['production-eu', 'staging', 'nowhere'];
        // With the later batches' days stale, then all folded.
        for (const rollups of ['stale', 'folded']) {
          await expectReferenceFigures(knex, store, {
            windows,
            environments,
            context: { rollups },
          });
          await store.refreshStaleRollups();
        }
        // The environments' own rollups served them.
        for (const table of [
          'dora_env_deployment_days',
          'dora_env_change_days',
        ]) {
          const rows = await knex(table)
            .where('environment', 'staging')
            .count({ n: '*' });
          expect({ table, rows: Number(rows[0].n) > 0 }).toEqual({
            table,
            rows: true,
          });
        }
        const figures: Record<string, any> = {};
        for (const environment of environments) {
          figures[environment] = await referenceSummary(knex, {
            from: START,
            to: START + 40 * DAY,
            environment,
          });
        }
        // Each environment has figures of its own; an unknown one has none.
        const all = await referenceSummary(knex, {
          from: START,
          to: START + 40 * DAY,
        });
        for (const environment of ['production-eu', 'staging']) {
          const f = figures[environment];
          expect(f.deployments).toBeGreaterThan(5);
          expect(f.changes).toBeGreaterThan(3);
          expect(f.failed).toBeGreaterThan(0);
          expect(f.incidentsOpened).toBeGreaterThan(0);
        }
        expect(figures['production-eu'].deployments).toBeLessThan(
          all.deployments,
        );
        expect(figures.nowhere.deployments).toBe(0);
        expect(figures.nowhere.incidentsOpened).toBe(0);
      },
    );

    it.each([[1], [2], [3]])(
      'gives the same figures with rollbacks inferred on generated data set %i',
      async seed => {
        const knex = await databases.init(databaseId);
        const store = await ingested(knex, seed, {
          foldHalfway: true,
          inferKinds: true,
        });
        const windows = [
          { from: START + 5 * DAY, to: START + 25 * DAY },
          { from: START, to: START + 40 * DAY },
          { from: START + 5 * DAY + 7 * HOUR, to: START + 24 * DAY + 1 },
        ];
        const targets = [undefined, 'production-eu', 'production-us'];
        for (const rollups of ['stale', 'folded']) {
          await expectReferenceFigures(knex, store, {
            windows,
            environments: targets,
            context: { rollups },
          });
          await store.refreshStaleRollups();
        }
        // The data set has inferred rollbacks, each failing the deployment
        // it rolled back (a different one each).
        const inferred = await knex('dora_deployments').where(
          'rollback_inferred',
          true,
        );
        expect(inferred.length).toBeGreaterThan(2);
        const ref = await referenceSummary(knex, {
          from: START,
          to: START + 40 * DAY,
        });
        expect(ref.failedByRollback).toBeGreaterThanOrEqual(inferred.length);
      },
    );

    it('builds the same rollups by ingestion and by the backfill', async () => {
      const knex = await databases.init(databaseId);
      const store = await ingested(knex, 4);
      // Ingestion marks days stale; the read path recomputes them.
      const [{ n: stale }] = await knex('dora_rollup_dirty_days').count({
        n: '*',
      });
      expect(Number(stale)).toBeGreaterThan(0);
      await store.refreshStaleRollups();
      expect(await knex('dora_rollup_dirty_days')).toEqual([]);
      const byIngestion = await rollupState(knex);
      expect(byIngestion.changeDays.length).toBeGreaterThan(20);
      expect(byIngestion.deploymentDays.length).toBeGreaterThan(20);
      await knex('dora_rollup_change_days').delete();
      await knex('dora_rollup_deployment_days').delete();
      await knex('dora_changes').update({ lead_ms: null, lead_bucket: null });
      await store.rebuildRollups();
      expect(await rollupState(knex)).toEqual(byIngestion);
    });

    it('backfills the rollups of an upgraded install in its migration', async () => {
      const knex = await databases.init(databaseId);
      const store = await ingested(knex, 5);
      await store.refreshStaleRollups();
      const byIngestion = await rollupState(knex);
      const directory = resolvePackagePath(
        '@internal/plugin-dora-backend',
        'migrations',
      );
      // Back to the schema before the rollups (every later migration undone
      // first), raw rows kept; then upgrade.
      const changes = await knex('dora_changes').count({ n: '*' });
      while (await knex.schema.hasTable('dora_rollup_change_days')) {
        await knex.migrate.down({ directory });
      }
      expect(await knex.schema.hasColumn('dora_changes', 'lead_ms')).toBe(
        false,
      );
      expect(await knex('dora_changes').count({ n: '*' })).toEqual(changes);
      await knex.migrate.latest({ directory });
      expect(await rollupState(knex)).toEqual(byIngestion);
    });

    it('backfills the environment rollups of an upgraded install at start', async () => {
      const knex = await databases.init(databaseId);
      const store = await ingested(knex, 6);
      await store.refreshStaleRollups();
      const byIngestion = await environmentRollupState(knex);
      expect(byIngestion.changes.length).toBeGreaterThan(50);
      expect(byIngestion.deploymentDays.length).toBeGreaterThan(20);
      const directory = resolvePackagePath(
        '@internal/plugin-dora-backend',
        'migrations',
      );
      // Back to the schema before environment rollups, raw rows kept.
      while (await knex.schema.hasTable('dora_change_environments')) {
        await knex.migrate.down({ directory });
      }
      await knex.migrate.latest({ directory });
      expect(await knex('dora_change_environments')).toEqual([]);
      // A backend starting on the upgraded database fills them, once.
      await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      expect(await knex('dora_pending_backfills')).toEqual([]);
      expect(await environmentRollupState(knex)).toEqual(byIngestion);
    });

    it('relinks at start the changes concurrent batches left unlinked', async () => {
      const knex = await databases.init(databaseId);
      const store = await ingested(knex, 8);
      await store.refreshStaleRollups();
      const linked = {
        default: await rollupState(knex),
        environments: await environmentRollupState(knex),
      };
      // What two requests racing each other left before per-service locks:
      // shipped changes unlinked, everywhere, and counted nowhere.
      const victims = (
        await knex('dora_changes').whereNotNull('deployment_id').select('id')
      )
        .filter((_, i) => i % 3 === 0)
        .map(r => r.id);
      expect(victims.length).toBeGreaterThan(10);
      await knex('dora_changes')
        .whereIn('id', victims)
        .update({ deployment_id: null, deployed_at: null, owner_ref: null });
      await knex('dora_change_environments')
        .whereIn('change_id', victims)
        .delete();
      await store.rebuildRollups();
      expect(await rollupState(knex)).not.toEqual(linked.default);
      // The upgrade's migration asks for the relink; the next start runs it.
      await knex('dora_pending_backfills').insert({ name: 'relink-changes' });
      await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      expect(await knex('dora_pending_backfills')).toEqual([]);
      expect({
        default: await rollupState(knex),
        environments: await environmentRollupState(knex),
      }).toEqual(linked);
    });
  },
);
