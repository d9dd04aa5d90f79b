/**
 * Test data of the DORA plugin that other packages' tests use too (the app's
 * home page widget): plain data, no jest, so that the package index can
 * export it. Upstream Backstage would publish this as a `/testUtils` entry
 * point; this package has none (no `exports` in its package.json).
 */
import {
  DoraFigures,
  DoraMetricsResponse,
  DoraScope,
} from '@internal/plugin-dora-common';

const HOUR = 3600_000;

/** A healthy 30-day window: elite/high levels, hand-picked numbers. */
export function figures(): DoraFigures {
  return {
    deploymentFrequency: {
      deployments: 45,
      deploymentDays: 20,
      perDay: 1.5,
      perWeek: 10.5,
      level: 'elite',
    },
    leadTime: {
      changes: 60,
      medianMs: 5 * HOUR,
      p90Ms: 30 * HOUR,
      prOpenFallbacks: 12,
      stages: {
        codingMedianMs: 2 * HOUR,
        reviewMedianMs: 90 * 60_000,
        waitingToDeployMedianMs: 40 * 60_000,
      },
      level: 'elite',
    },
    changeFailureRate: {
      deployments: 45,
      failed: 4,
      rate: 4 / 45,
      byReason: { incident: 3, rollback: 1, hotfix: 0 },
      level: 'high',
    },
    recoveryTime: {
      failedDeployments: 4,
      recovered: 3,
      unrecovered: 1,
      medianMs: 45 * 60_000,
      incidents: { opened: 3, resolved: 3, open: 0, medianMs: 2 * HOUR },
      level: 'elite',
    },
    reworkRate: {
      deployments: 45,
      unplanned: 1,
      rate: 1 / 45,
      level: 'no-threshold',
    },
  };
}

/** The same shape with nothing in it. */
export function emptyFigures(): DoraFigures {
  return {
    deploymentFrequency: {
      deployments: 0,
      deploymentDays: 0,
      perDay: 0,
      perWeek: 0,
      level: 'insufficient-data',
    },
    leadTime: {
      changes: 0,
      medianMs: null,
      p90Ms: null,
      prOpenFallbacks: 0,
      stages: {
        codingMedianMs: null,
        reviewMedianMs: null,
        waitingToDeployMedianMs: null,
      },
      level: 'insufficient-data',
    },
    changeFailureRate: {
      deployments: 0,
      failed: 0,
      rate: null,
      byReason: { incident: 0, rollback: 0, hotfix: 0 },
      level: 'insufficient-data',
    },
    recoveryTime: {
      failedDeployments: 0,
      recovered: 0,
      unrecovered: 0,
      medianMs: null,
      incidents: { opened: 0, resolved: 0, open: 0, medianMs: null },
      level: 'insufficient-data',
    },
    reworkRate: {
      deployments: 0,
      unplanned: 0,
      rate: null,
      level: 'no-threshold',
    },
  };
}

/**
 * A `GET /metrics` response over `figures()`, with fewer deployments and a
 * longer lead time in the previous window; `overrides` replace whole fields.
 */
export function metricsResponse(
  overrides: Partial<DoraMetricsResponse> = {},
): DoraMetricsResponse {
  const previous = figures();
  previous.deploymentFrequency = {
    ...previous.deploymentFrequency,
    deployments: 30,
    perDay: 1,
    perWeek: 7,
  };
  previous.leadTime = { ...previous.leadTime, medianMs: 8 * HOUR };
  return {
    scope: 'org' as DoraScope,
    target: { tiers: ['production'] },
    window: {
      from: '2026-02-01T00:00:00.000Z',
      to: '2026-03-03T00:00:00.000Z',
    },
    previousWindow: {
      from: '2026-01-02T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
    },
    current: figures(),
    previous,
    trend: {
      deploymentFrequency: 'better',
      leadTime: 'better',
      changeFailureRate: 'same',
      recoveryTime: 'worse',
      reworkRate: 'unknown',
    },
    weekly: [
      {
        weekStart: '2026-02-01T00:00:00.000Z',
        deployments: 10,
        failedDeployments: 1,
        leadTimeMedianMs: 6 * HOUR,
      },
      {
        weekStart: '2026-02-08T00:00:00.000Z',
        deployments: 12,
        failedDeployments: 0,
        leadTimeMedianMs: 4 * HOUR,
      },
    ],
    thresholds: {
      version: '2024',
      source:
        'DORA, Accelerate State of DevOps Report 2024, software delivery performance clusters',
    },
    ...overrides,
  };
}
