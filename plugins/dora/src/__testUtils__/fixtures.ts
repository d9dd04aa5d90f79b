import {
  DoraDataQualityResponse,
  DoraEnvironment,
} from '@internal/plugin-dora-common';
import { DoraApi } from '../api';
import { metricsResponse } from '../testUtils/metrics';

export { emptyFigures, figures, metricsResponse } from '../testUtils/metrics';

export function dataQuality(
  overrides: Partial<DoraDataQualityResponse> = {},
): DoraDataQualityResponse {
  return {
    window: {
      from: '2026-02-01T00:00:00.000Z',
      to: '2026-03-03T00:00:00.000Z',
    },
    target: { tiers: ['production'] },
    deploymentsWithoutChanges: 0,
    unknownCommits: 0,
    unlinkedIncidents: 0,
    undeployedChanges: 0,
    inferredRollbacks: 0,
    ...overrides,
  };
}

/** Two production environments and staging, as GET /environments sorts them. */
export function environments(): DoraEnvironment[] {
  return [
    {
      name: 'production-eu',
      tier: 'production',
      deployments: 120,
      lastDeployedAt: '2026-03-02T16:00:00.000Z',
    },
    {
      name: 'production-us',
      tier: 'production',
      deployments: 98,
      lastDeployedAt: '2026-03-02T17:00:00.000Z',
    },
    {
      name: 'staging',
      tier: 'staging',
      deployments: 240,
      lastDeployedAt: '2026-03-02T15:00:00.000Z',
    },
  ];
}

/** A DoraApi whose every method is a jest mock with sensible answers. */
export function mockDoraApi(
  overrides: Partial<DoraApi> = {},
): jest.Mocked<DoraApi> {
  return {
    getMetrics: jest.fn(async () => metricsResponse()),
    getEnvironments: jest.fn(async () => ({ items: environments() })),
    getDataQuality: jest.fn(async () => dataQuality()),
    listDeployments: jest.fn(async () => ({ items: [], truncated: false })),
    listChanges: jest.fn(async () => ({ items: [], truncated: false })),
    listIncidents: jest.fn(async () => ({ items: [], truncated: false })),
    getBaseUrl: jest.fn(async () => 'http://localhost:7007/api/dora'),
    ...overrides,
  } as jest.Mocked<DoraApi>;
}
