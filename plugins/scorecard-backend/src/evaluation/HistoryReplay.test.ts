import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ScorecardPastView } from '@internal/plugin-scorecard-node';
import fs from 'fs';
import { DEFAULT_CHECKS_FILE } from '../checks/CheckLoader';
import { parseChecksFile } from '../checks/parseChecksFile';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { FactSourceResult } from '../facts/types';
import { Evaluator } from './Evaluator';
import { HistoryReplay } from './HistoryReplay';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const DAY = 86_400_000;
const now = new Date('2026-11-25T15:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);
const dayOf = (n: number) => daysAgo(n).toISOString().slice(0, 10);

const defaultSet = {
  ...parseChecksFile(
    fs.readFileSync(DEFAULT_CHECKS_FILE, 'utf8'),
    DEFAULT_CHECKS_FILE,
  ),
  hash: 'default',
};

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/techdocs-ref': 'dir:.',
        'github.com/project-slug': `acme/${name}`,
        'pagerduty.com/service-id': 'P123',
        'prometheus.io/alerts': `${name}-alerts`,
        'paved-road.io/cost-center': 'cc-1',
      },
      links: [{ title: 'Grafana dashboard', url: 'https://grafana.example' }],
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'team-a',
      dependsOn: ['resource:default/orders-db'],
    },
  };
}

// Today every service passes every check.
const catalog: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'orders-db',
      namespace: 'default',
      annotations: { 'paved-road.io/backup-policy': 'daily-35d' },
    },
    spec: { type: 'database', owner: 'team-a' },
  },
  component('orders'),
  component('newcomer'),
  component('drifter'),
];

function withoutAnnotation(entity: Entity, annotation: string): Entity {
  const annotations = { ...entity.metadata.annotations };
  delete annotations[annotation];
  return { ...entity, metadata: { ...entity.metadata, annotations } };
}

/**
 * Five days of past: orders had alerts from 3 days ago and its database
 * backups from 2 days ago; newcomer was created 2 days ago; drifter lost its
 * CI (a critical check) 2 days ago, and got it back today.
 */
const pastView: ScorecardPastView = {
  days: 5,
  entityAsOf(entity, day) {
    const ago = Math.round((now.getTime() - day.getTime()) / DAY);
    const name = entity.metadata.name;
    if (name === 'orders' && ago > 3) {
      return withoutAnnotation(entity, 'prometheus.io/alerts');
    }
    if (name === 'orders-db' && ago > 2) {
      return withoutAnnotation(entity, 'paved-road.io/backup-policy');
    }
    if (name === 'newcomer' && ago > 2) {
      return undefined;
    }
    if (name === 'drifter' && ago <= 2) {
      return withoutAnnotation(entity, 'github.com/project-slug');
    }
    return entity;
  },
};

describe.each(databases.eachSupportedId())(
  'HistoryReplay on %p',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseScorecardStore.create({
        database: { getClient: async () => knex, migrations: { skip: false } },
      });
      const notify = jest.fn(async () => {});
      // Today's facts: CI green, docs buildable where they are declared.
      const github = {
        collect: jest.fn(
          async (): Promise<FactSourceResult> => ({
            source: 'github',
            collectedAt: new Date(),
            values: { github: { latestRun: { conclusion: 'success' } } },
          }),
        ),
      };
      const techdocs = {
        collect: async (entity: Entity): Promise<FactSourceResult> => ({
          source: 'techdocs',
          collectedAt: new Date(),
          values: {
            techdocs: {
              buildable: Boolean(
                entity.metadata.annotations?.['backstage.io/techdocs-ref'],
              ),
            },
          },
        }),
      };
      const evaluator = new Evaluator({
        catalog: catalogServiceMock({ entities: catalog }),
        auth: mockServices.auth(),
        store,
        getChecks: () => defaultSet,
        sources: { github, techdocs },
        logger: mockServices.logger.mock(),
        staleAfterMs: DAY,
        batchSize: 2,
        notifier: { notify },
        now: () => now,
      });
      const replay = new HistoryReplay({
        evaluator,
        store,
        view: pastView,
        logger: mockServices.logger.mock(),
        now: () => now,
      });
      return { knex, store, evaluator, replay, notify, github };
    }

    it('replays each past day through the evaluator, then today goes on', async () => {
      const { store, evaluator, replay, notify, github } = await setup();
      expect(await replay.settled()).toBe(false);
      await replay.run();
      expect(await replay.settled()).toBe(true);

      // One snapshot a day, scored as the evaluator scores the entity of
      // that day: weights critical 8, high 4, medium 2, low 1; 29 in all.
      const orders = await store.getHistory('component:default/orders', {
        since: daysAgo(30),
      });
      expect(orders.snapshots).toEqual([
        // no alerts (high) nor backups (medium): 23 of 29
        {
          day: dayOf(5),
          score: 23 / 29,
          level: 'bronze',
          criticalFailing: false,
        },
        {
          day: dayOf(4),
          score: 23 / 29,
          level: 'bronze',
          criticalFailing: false,
        },
        // alerts, no backups
        {
          day: dayOf(3),
          score: 27 / 29,
          level: 'silver',
          criticalFailing: false,
        },
        { day: dayOf(2), score: 1, level: 'gold', criticalFailing: false },
        { day: dayOf(1), score: 1, level: 'gold', criticalFailing: false },
      ]);
      // A history row where a check changed state, dated the day it did.
      const changes = (checkId: string) =>
        orders.changes
          .filter(c => c.checkId === checkId)
          .map(c => [c.changedAt, c.previousState, c.state]);
      expect(changes('has-monitoring')).toEqual([
        [daysAgo(3).toISOString(), 'fail', 'pass'],
        [daysAgo(5).toISOString(), null, 'fail'],
      ]);
      expect(changes('has-backups')).toEqual([
        [daysAgo(2).toISOString(), 'fail', 'pass'],
        [daysAgo(5).toISOString(), null, 'fail'],
      ]);
      expect(changes('has-owner')).toEqual([
        [daysAgo(5).toISOString(), null, 'pass'],
      ]);

      // Not there before it was created.
      const newcomer = await store.getHistory('component:default/newcomer', {
        since: daysAgo(30),
      });
      expect(newcomer.snapshots.map(s => s.day)).toEqual([dayOf(2), dayOf(1)]);

      // A critical check that started failing in the past pages nobody.
      const drifter = await store.getHistory('component:default/drifter', {
        since: daysAgo(30),
      });
      expect(drifter.snapshots.map(s => s.criticalFailing)).toEqual([
        false,
        false,
        false,
        true,
        true,
      ]);
      expect(notify).not.toHaveBeenCalled();

      // Today's facts are asked once per distinct past entity, not each day:
      // orders twice, newcomer once, drifter twice.
      expect(github.collect).toHaveBeenCalledTimes(5);

      // The scheduled evaluation goes on with today.
      await evaluator.evaluateAll();
      const trend = await store.getOrganisationTrend({ since: daysAgo(30) });
      expect(trend.map(d => [d.day, d.entityCount])).toEqual([
        [dayOf(5), 2],
        [dayOf(4), 2],
        [dayOf(3), 2],
        [dayOf(2), 3],
        [dayOf(1), 3],
        [dayOf(0), 3],
      ]);
      expect(trend.map(d => d.score)).toEqual([
        // drifter has alerts, not backups (same database): 27 of 29
        expect.closeTo((23 / 29 + 27 / 29) / 2, 6),
        expect.closeTo((23 / 29 + 27 / 29) / 2, 6),
        expect.closeTo(27 / 29, 6),
        // drifter fails ci-passing (8): 21 of 29
        expect.closeTo((2 + 21 / 29) / 3, 6),
        expect.closeTo((2 + 21 / 29) / 3, 6),
        1,
      ]);
      expect(
        (await store.getCheckResults('component:default/drifter')).find(
          r => r.checkId === 'ci-passing',
        ),
      ).toMatchObject({ state: 'pass', stateSince: now.toISOString() });
    });

    it('replays once, and not over history older than today', async () => {
      const { knex, store, evaluator, replay } = await setup();
      const evaluatePast = jest.spyOn(evaluator, 'evaluatePast');
      await Promise.all([replay.run(), replay.run()]);
      await replay.run();
      expect(evaluatePast).toHaveBeenCalledTimes(1);
      const rows = await knex('scorecard_check_history').count({ n: '*' });

      // A restart, or another replica, finds the history and leaves it.
      const again = new HistoryReplay({
        evaluator,
        store,
        view: pastView,
        logger: mockServices.logger.mock(),
        now: () => now,
      });
      expect(await again.settled()).toBe(true);
      await again.run();
      expect(evaluatePast).toHaveBeenCalledTimes(1);
      expect(await knex('scorecard_check_history').count({ n: '*' })).toEqual(
        rows,
      );
    });
  },
);

describe('HistoryReplay', () => {
  it('holds today back while it replays, and logs a failure without throwing', async () => {
    let fail: (error: Error) => void = () => {};
    const evaluatePast = jest.fn(
      () =>
        new Promise<never>((_, reject) => {
          fail = reject;
        }),
    );
    const logger = mockServices.logger.mock();
    const replay = new HistoryReplay({
      evaluator: { evaluatePast },
      store: { hasHistoryBefore: async () => false },
      view: pastView,
      logger,
      now: () => now,
    });
    const running = replay.run();
    await new Promise(resolve => setImmediate(resolve));
    expect(evaluatePast).toHaveBeenCalledWith(
      [5, 4, 3, 2, 1].map(daysAgo),
      expect.any(Function),
    );
    expect(await replay.settled()).toBe(false);
    fail(new Error('catalog unavailable'));
    await running;
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('catalog unavailable'),
    );
    // Not retried: today's evaluation goes on.
    expect(await replay.settled()).toBe(true);
  });
});
