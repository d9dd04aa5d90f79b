import {
  EntityCheckView,
  EntityHistoryResponse,
  EntityScoreListResponse,
  EntityScoreSummary,
  EntityScorecardResponse,
  SCORE_FORMULA,
  TeamRollup,
  TeamRollupResponse,
} from '@internal/plugin-scorecard-common';
import { ScorecardApi, ScorecardChecksResponse } from '../api';

export const NOW = '2026-11-25T10:00:00.000Z';
const HOUR = 3600_000;

export function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * HOUR).toISOString();
}

export const levels = [
  { id: 'bronze', title: 'Bronze', requires: ['critical' as const] },
  {
    id: 'silver',
    title: 'Silver',
    requires: ['critical' as const, 'high' as const],
  },
  {
    id: 'gold',
    title: 'Gold',
    requires: [
      'critical' as const,
      'high' as const,
      'medium' as const,
      'low' as const,
    ],
  },
];

export function check(
  overrides: Partial<EntityCheckView> & Pick<EntityCheckView, 'checkId'>,
): EntityCheckView {
  return {
    title: overrides.checkId,
    weight: 'medium',
    state: 'pass',
    reason: 'condition holds',
    facts: [{ source: 'catalog', collectedAt: hoursAgo(2) }],
    evaluatedAt: hoursAgo(2),
    ...overrides,
  };
}

/** orders-service: failing ci-passing (critical), the other states around it. */
export function scorecard(
  overrides: Partial<EntityScorecardResponse> = {},
): EntityScorecardResponse {
  return {
    entityRef: 'component:default/orders-service',
    kind: 'component',
    namespace: 'default',
    name: 'orders-service',
    title: 'Orders service',
    owner: 'group:default/payments-team',
    score: 10 / 18,
    level: null,
    criticalFailing: true,
    passedWeight: 10,
    applicableWeight: 18,
    unknownWeight: 4,
    failingChecks: ['ci-passing'],
    evaluatedAt: hoursAgo(2),
    formula: SCORE_FORMULA,
    levels,
    checks: [
      check({
        checkId: 'ci-passing',
        title: 'CI passes on the default branch',
        weight: 'critical',
        state: 'fail',
        reason: 'latest workflow run on main concluded failure',
        factValues: { 'github.latestRun.conclusion': 'failure' },
        facts: [{ source: 'github', collectedAt: hoursAgo(3) }],
        remediation: {
          text: 'Fix the failing workflow on the default branch.',
          link: 'https://wiki.example/ci',
        },
      }),
      check({
        checkId: 'has-owner',
        title: 'Owned by a real team',
        weight: 'critical',
        state: 'pass',
        reason: 'owner group:default/payments-team exists',
      }),
      check({
        checkId: 'has-techdocs',
        title: 'Has TechDocs',
        weight: 'high',
        state: 'no_data',
        reason: 'TechDocs backend unreachable',
        facts: [],
      }),
      check({
        checkId: 'has-monitoring',
        title: 'Has monitoring',
        weight: 'high',
        state: 'no_data',
        stale: true,
        lastKnownState: 'pass',
        reason:
          'stale: facts collected at 2026-11-20T10:00:00.000Z; last known: pass (alerts set)',
      }),
      check({
        checkId: 'has-oncall',
        title: 'Has on-call',
        weight: 'medium',
        state: 'exempt',
        reason: 'waived: batch job, nobody is paged',
        waiver: {
          id: 'w1',
          source: 'catalog',
          entityRef: 'component:default/orders-service',
          checkId: 'has-oncall',
          reason: 'batch job, nobody is paged',
          createdBy: 'user:default/jane',
          createdAt: '2026-11-01T00:00:00.000Z',
          expiresAt: '2027-03-31T00:00:00.000Z',
        },
      }),
      check({
        checkId: 'has-backups',
        title: 'Databases are backed up',
        weight: 'medium',
        state: 'not_applicable',
        reason: 'depends on no database',
      }),
      check({
        checkId: 'has-cost-tags',
        title: 'Has cost tags',
        weight: 'low',
        state: 'warn',
        enforcedFrom: '2027-01-01',
        reason: 'paved-road.io/cost-center is not set',
        remediation: { text: 'Add paved-road.io/cost-center.' },
      }),
      check({
        checkId: 'custom',
        title: 'A broken check',
        weight: 'low',
        state: 'error',
        reason: 'fact dependencies.all is not a list',
      }),
    ],
    ...overrides,
  };
}

export function history(
  overrides: Partial<EntityHistoryResponse> = {},
): EntityHistoryResponse {
  return {
    entityRef: 'component:default/orders-service',
    snapshots: [
      { day: '2026-11-20', score: 1, level: 'gold', criticalFailing: false },
      {
        day: '2026-11-22',
        score: 0.8,
        level: 'silver',
        criticalFailing: false,
      },
      { day: '2026-11-25', score: 10 / 18, level: null, criticalFailing: true },
    ],
    changes: [],
    ...overrides,
  };
}

export function summary(
  overrides: Partial<EntityScoreSummary> & Pick<EntityScoreSummary, 'name'>,
): EntityScoreSummary {
  return {
    entityRef: `component:default/${overrides.name}`,
    kind: 'component',
    namespace: 'default',
    owner: 'group:default/payments-team',
    score: 1,
    level: 'gold',
    criticalFailing: false,
    passedWeight: 18,
    applicableWeight: 18,
    unknownWeight: 0,
    failingChecks: [],
    evaluatedAt: hoursAgo(1),
    ...overrides,
  };
}

export function list(
  items: EntityScoreSummary[],
  overrides: Partial<EntityScoreListResponse> = {},
): EntityScoreListResponse {
  return {
    items,
    totalItems: items.length,
    formula: SCORE_FORMULA,
    ...overrides,
  };
}

export function team(
  overrides: Partial<TeamRollup> & Pick<TeamRollup, 'owner'>,
): TeamRollup {
  const totals = {
    entityCount: 2,
    scoredCount: 2,
    averageScore: 0.75,
    criticalFailingCount: 0,
    failingChecks: {},
  };
  return { parent: null, direct: totals, ...totals, ...overrides };
}

export function teams(items: TeamRollup[]): TeamRollupResponse {
  return { items, formula: SCORE_FORMULA };
}

export function checks(): ScorecardChecksResponse {
  return {
    checks: [
      {
        id: 'ci-passing',
        title: 'CI passes on the default branch',
        weight: 'critical',
        condition: { fact: 'github.latestRun.conclusion', equals: 'success' },
      },
      {
        id: 'has-techdocs',
        title: 'Has TechDocs',
        weight: 'high',
        condition: { fact: 'techdocs.built', equals: true },
      },
    ],
    levels,
    formula: SCORE_FORMULA,
  };
}

/** A ScorecardApi whose every method is a jest mock with sensible answers. */
export function mockScorecardApi(
  overrides: Partial<ScorecardApi> = {},
): jest.Mocked<ScorecardApi> {
  return {
    getEntityScorecard: jest.fn(async () => scorecard()),
    getEntityHistory: jest.fn(async () => history()),
    getOrganisationTrend: jest.fn(async () => ({ days: [] })),
    evaluateEntity: jest.fn(async () => scorecard()),
    listEntities: jest.fn(async () => list([])),
    getTeams: jest.fn(async () => teams([])),
    getChecks: jest.fn(async () => checks()),
    createWaiver: jest.fn(async request => ({
      id: 'w2',
      source: 'api' as const,
      createdBy: 'user:default/guest',
      createdAt: NOW,
      ...request,
    })),
    ...overrides,
  } as jest.Mocked<ScorecardApi>;
}
