import { NotFoundError } from '@backstage/errors';
import { computeScore } from '@internal/plugin-scorecard-common';
import { parseChecksFile } from '../checks/parseChecksFile';
import { StoredCheckResult } from '../database/ScorecardStore';
import { entityScorecard } from './entityScorecard';

const checks = parseChecksFile(
  `
levels:
  - id: gold
    requires: [critical, high]
checks:
  - id: has-owner
    title: Has an owner
    weight: critical
    condition: { fact: owner, exists: true }
  - id: ci-passing
    title: CI passes
    weight: high
    condition: { fact: github.ci.conclusion, equals: success }
`,
  'test.yaml',
);
const loaded = { ...checks, hash: 'h', loadedAt: new Date(0) };

const NOW = Date.parse('2026-12-07T12:00:00Z');
const HOUR = 3_600_000;
const ref = 'component:default/orders-service';

function result(checkId: string, collectedHoursAgo: number): StoredCheckResult {
  const at = new Date(NOW - collectedHoursAgo * HOUR).toISOString();
  return {
    checkId,
    state: 'pass',
    reason: 'ok',
    facts: [{ source: 'github', collectedAt: at }],
    evaluatedAt: at,
    stateSince: at,
  };
}

function store(results: StoredCheckResult[]) {
  const score = computeScore(
    checks.checks.map(c => ({ weight: c.weight, state: 'pass' as const })),
    checks.levels,
  );
  return {
    getEntityScore: async (entityRef: string) =>
      entityRef === ref
        ? {
            ...score,
            entityRef,
            kind: 'component',
            namespace: 'default',
            name: 'orders-service',
            owner: 'group:default/fulfilment-team',
            failingChecks: [],
            evaluatedAt: new Date(NOW).toISOString(),
          }
        : undefined,
    getCheckResults: async () => results,
    getActiveWaivers: async () => new Map(),
  };
}

describe('entityScorecard', () => {
  it('serves a result whose facts are older than staleAfterMs as no_data, and scores without it', async () => {
    const view = await entityScorecard(
      {
        store: store([result('has-owner', 1), result('ci-passing', 30)]),
        checks: { getChecks: () => loaded },
        staleAfterMs: 24 * HOUR,
      },
      ref,
      NOW,
    );
    const ci = view.checks.find(c => c.checkId === 'ci-passing')!;
    expect(ci).toMatchObject({
      state: 'no_data',
      stale: true,
      lastKnownState: 'pass',
      reason:
        'stale: facts collected at 2026-12-06T06:00:00.000Z; last known: pass (ok)',
    });
    expect(view.checks.find(c => c.checkId === 'has-owner')?.state).toBe(
      'pass',
    );
    // The stale check's weight counts as unknown, neither passed nor applicable.
    expect(view.unknownWeight).toBeGreaterThan(0);
    expect(view.applicableWeight).toBe(view.passedWeight);
    const stored = await store([]).getEntityScore(ref);
    expect(view.passedWeight + view.unknownWeight).toBe(
      stored!.applicableWeight,
    );
  });

  it('keeps the stored score while every result is fresh', async () => {
    const view = await entityScorecard(
      {
        store: store([result('has-owner', 1), result('ci-passing', 2)]),
        checks: { getChecks: () => loaded },
        staleAfterMs: 24 * HOUR,
      },
      ref,
      NOW,
    );
    expect(view.checks.map(c => c.state)).toEqual(['pass', 'pass']);
    expect(view.unknownWeight).toBe(0);
    expect(view.score).toBe(1);
  });

  it('says how to get a scorecard for an entity not evaluated yet', async () => {
    await expect(
      entityScorecard(
        {
          store: store([]),
          checks: { getChecks: () => loaded },
          staleAfterMs: HOUR,
        },
        'component:default/ghost',
        NOW,
      ),
    ).rejects.toThrow(NotFoundError);
  });
});
