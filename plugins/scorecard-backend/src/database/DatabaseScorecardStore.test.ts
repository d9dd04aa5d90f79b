import { TestDatabases } from '@backstage/backend-test-utils';
import {
  CheckResult,
  CheckState,
  CheckWeight,
  computeScore,
} from '@internal/plugin-scorecard-common';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';
import { EntityEvaluation } from './ScorecardStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

function evaluation(
  name: string,
  states: Record<string, [CheckWeight, CheckState]>,
  at: Date,
  owner = 'group:default/team-a',
): EntityEvaluation {
  const results = Object.entries(states).map(
    ([checkId, [weight, state]]): CheckResult & { weight: CheckWeight } => ({
      checkId,
      weight,
      state,
      reason: `${checkId} is ${state}`,
      facts: [{ source: 'catalog', collectedAt: at.toISOString() }],
      factValues: { annotations: { a: '1' } },
      evaluatedAt: at.toISOString(),
    }),
  );
  return {
    entityRef: `component:default/${name}`,
    kind: 'component',
    namespace: 'default',
    name,
    owner,
    score: computeScore(results, [{ id: 'bronze', requires: ['critical'] }]),
    results,
    evaluatedAt: at,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseScorecardStore on %p',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseScorecardStore.create({
        database: { getClient: async () => knex, migrations: { skip: false } },
      });
      return { knex, store };
    }

    it('keeps the current state and a history row only on change', async () => {
      const { knex, store } = await createStore();
      const day1 = new Date('2026-11-20T10:00:00Z');
      const day1Later = new Date('2026-11-20T18:00:00Z');
      const day2 = new Date('2026-11-21T10:00:00Z');

      await store.saveEvaluations([
        evaluation(
          'a',
          { owner: ['critical', 'pass'], docs: ['high', 'fail'] },
          day1,
        ),
      ]);
      await store.saveEvaluations([
        evaluation(
          'a',
          { owner: ['critical', 'pass'], docs: ['high', 'fail'] },
          day1Later,
        ),
      ]);
      await store.saveEvaluations([
        evaluation(
          'a',
          { owner: ['critical', 'pass'], docs: ['high', 'pass'] },
          day2,
        ),
      ]);

      const results = await store.getCheckResults('component:default/a');
      expect(results.map(r => [r.checkId, r.state, r.stateSince])).toEqual([
        ['docs', 'pass', day2.toISOString()],
        ['owner', 'pass', day1.toISOString()],
      ]);
      expect(results[0].factValues).toEqual({ annotations: { a: '1' } });

      const history = await store.getHistory('component:default/a', {
        since: new Date('2026-11-01T00:00:00Z'),
      });
      expect(
        history.changes.map(c => [c.checkId, c.previousState, c.state]),
      ).toEqual([
        ['docs', 'fail', 'pass'],
        // first evaluation, order within the same instant by id desc
        expect.any(Array),
        expect.any(Array),
      ]);
      expect(history.changes).toHaveLength(3);
      // One snapshot per day; the later evaluation of day 1 won.
      expect(history.snapshots).toEqual([
        {
          day: '2026-11-20',
          score: 8 / 12,
          level: 'bronze',
          criticalFailing: false,
        },
        {
          day: '2026-11-21',
          score: 1,
          level: 'bronze',
          criticalFailing: false,
        },
      ]);
      const [{ count }] = await knex('scorecard_score_snapshots').count({
        count: '*',
      });
      expect(Number(count)).toBe(2);
    });

    it('averages the daily snapshots into the organisation trend', async () => {
      const { store } = await createStore();
      const day1 = new Date('2026-11-20T10:00:00Z');
      const day2 = new Date('2026-11-21T10:00:00Z');
      await store.saveEvaluations([
        evaluation(
          'a',
          { owner: ['critical', 'pass'], docs: ['high', 'fail'] },
          day1,
        ),
        evaluation('b', { owner: ['critical', 'fail'] }, day1),
      ]);
      await store.saveEvaluations([
        evaluation(
          'a',
          { owner: ['critical', 'pass'], docs: ['high', 'pass'] },
          day2,
        ),
      ]);

      const trend = await store.getOrganisationTrend({
        since: new Date('2026-11-01T00:00:00Z'),
      });
      expect(trend).toEqual([
        {
          day: '2026-11-20',
          // (8/12 + 0) / 2
          score: expect.closeTo(1 / 3, 6),
          level: null,
          criticalFailing: true,
          entityCount: 2,
          criticalFailingCount: 1,
        },
        {
          day: '2026-11-21',
          score: 1,
          level: null,
          criticalFailing: false,
          entityCount: 1,
          criticalFailingCount: 0,
        },
      ]);
      expect(
        await store.getOrganisationTrend({
          since: new Date('2026-11-21T00:00:00Z'),
        }),
      ).toHaveLength(1);
    });

    it('tells whether it holds history older than a day', async () => {
      const { store } = await createStore();
      const today = new Date('2026-11-21T08:00:00Z');
      expect(await store.hasHistoryBefore(today)).toBe(false);
      // Earlier today is not older than today.
      await store.saveEvaluations([
        evaluation('a', { owner: ['critical', 'pass'] }, today),
      ]);
      expect(await store.hasHistoryBefore(today)).toBe(false);
      await store.saveEvaluations([
        evaluation(
          'b',
          { owner: ['critical', 'pass'] },
          new Date('2026-11-20T23:59:00Z'),
        ),
      ]);
      expect(await store.hasHistoryBefore(today)).toBe(true);
    });

    it('lists worst first with filters and pagination, and rolls up teams', async () => {
      const { store } = await createStore();
      const at = new Date('2026-11-25T10:00:00Z');
      await store.saveEvaluations([
        evaluation(
          'good',
          { owner: ['critical', 'pass'], docs: ['high', 'pass'] },
          at,
        ),
        evaluation(
          'bad',
          { owner: ['critical', 'fail'], docs: ['high', 'pass'] },
          at,
        ),
        evaluation(
          'mid',
          { owner: ['critical', 'pass'], docs: ['high', 'fail'] },
          at,
          'group:default/team-b',
        ),
        evaluation('none', { owner: ['critical', 'not_applicable'] }, at),
      ]);

      const all = await store.listEntityScores({
        orderBy: 'score',
        order: 'asc',
        limit: 10,
        offset: 0,
      });
      expect(all.items.map(i => i.name)).toEqual([
        'bad',
        'mid',
        'good',
        'none',
      ]);
      expect(all.totalItems).toBe(4);
      expect(all.items[0]).toMatchObject({
        criticalFailing: true,
        failingChecks: ['owner'],
        owner: 'group:default/team-a',
      });

      const page2 = await store.listEntityScores({
        orderBy: 'score',
        order: 'asc',
        limit: 2,
        offset: 2,
      });
      expect(page2.items.map(i => i.name)).toEqual(['good', 'none']);

      const critical = await store.listEntityScores({
        criticalFailing: true,
        orderBy: 'score',
        order: 'asc',
        limit: 10,
        offset: 0,
      });
      expect(critical.items.map(i => i.name)).toEqual(['bad']);

      const failingDocs = await store.listEntityScores({
        check: 'docs',
        owner: ['group:default/team-b'],
        orderBy: 'name',
        order: 'asc',
        limit: 10,
        offset: 0,
      });
      expect(failingDocs.items.map(i => i.name)).toEqual(['mid']);

      const teams = await store.listOwnerTotals();
      expect(teams).toEqual([
        {
          owner: 'group:default/team-a',
          entityCount: 3,
          scoredCount: 2,
          averageScore: expect.closeTo((1 + 4 / 12) / 2, 5),
          criticalFailingCount: 1,
          failingChecks: { owner: 1 },
        },
        {
          owner: 'group:default/team-b',
          entityCount: 1,
          scoredCount: 1,
          averageScore: expect.closeTo(8 / 12, 5),
          criticalFailingCount: 0,
          failingChecks: { docs: 1 },
        },
      ]);
    });

    it('applies only unexpired waivers and removes deleted entities entirely', async () => {
      const { knex, store } = await createStore();
      const now = new Date('2026-11-25T10:00:00Z');
      await store.saveEvaluations([
        evaluation('a', { owner: ['critical', 'pass'] }, now),
        evaluation('b', { owner: ['critical', 'pass'] }, now),
      ]);
      await store.createWaiver({
        entityRef: 'component:default/a',
        checkId: 'owner',
        reason: 'migrating',
        createdBy: 'user:default/alice',
        expiresAt: '2026-11-26T00:00:00.000Z',
      });
      await store.createWaiver({
        entityRef: 'component:default/a',
        checkId: 'docs',
        reason: 'old',
        createdBy: 'user:default/alice',
        expiresAt: '2026-11-24T00:00:00.000Z',
      });
      const active = await store.getActiveWaivers(['component:default/a'], now);
      expect([...active.get('component:default/a')!.keys()]).toEqual(['owner']);
      const later = await store.getActiveWaivers(
        ['component:default/a'],
        new Date('2026-11-27T00:00:00Z'),
      );
      expect(later.size).toBe(0);

      expect([...(await store.getEntityHashes()).keys()].sort()).toEqual([
        'component:default/a',
        'component:default/b',
      ]);
      await store.removeEntities(['component:default/a']);
      for (const table of [
        'scorecard_check_results',
        'scorecard_check_history',
        'scorecard_entity_scores',
        'scorecard_score_snapshots',
        'scorecard_waivers',
      ]) {
        const rows = await knex(table).select('entity_ref');
        expect(rows.map(r => r.entity_ref)).not.toContain(
          'component:default/a',
        );
      }
      expect(await store.getEntityScore('component:default/b')).toBeDefined();
    });

    it('drops results of checks that were removed from the checks file', async () => {
      const { store } = await createStore();
      const at = new Date('2026-11-25T10:00:00Z');
      await store.saveEvaluations([
        evaluation(
          'a',
          { owner: ['critical', 'pass'], old: ['low', 'fail'] },
          at,
        ),
      ]);
      await store.saveEvaluations([
        evaluation('a', { owner: ['critical', 'pass'] }, at),
      ]);
      expect(
        (await store.getCheckResults('component:default/a')).map(
          r => r.checkId,
        ),
      ).toEqual(['owner']);
    });
  },
);
