import { DAY_MS, HOUR_MS } from '@internal/paved-road-common';
import { PerformanceLevel } from './types';

/**
 * DORA performance-level cut-offs, kept as versioned data.
 *
 * Source: Google Cloud / DORA, "Accelerate State of DevOps Report 2024",
 * section "Software delivery performance", table of the four performance
 * clusters (elite 19 %, high 22 %, medium 35 %, low 25 % of respondents):
 *
 * | cluster | deployment frequency                         | change lead time          | change failure rate | failed deployment recovery time |
 * |---------|----------------------------------------------|---------------------------|---------------------|---------------------------------|
 * | elite   | on demand (multiple deploys per day)         | less than one day         | 5 %                 | less than one hour              |
 * | high    | between once per day and once per week       | between one day and one week | 20 %             | less than one day               |
 * | medium  | between once per week and once per month     | between one week and one month | 10 %           | less than one day               |
 * | low     | between once per month and once every six months | between one month and six months | 40 %   | between one week and one month  |
 *
 * The report publishes clusters, not thresholds. We turn each column into
 * upper (or lower) bounds and give a figure the best level whose bound it
 * meets. Two consequences of the published data, kept on purpose rather than
 * "fixed" by inventing numbers:
 * - change failure rate: medium (10 %) is better than high (20 %), so a rate
 *   of at most 20 % is `high` and `medium` is never reached;
 * - recovery time: high and medium share "less than one day", so `medium` is
 *   never reached either.
 * Deployment frequency, lead time and the elite/high change failure rates
 * were cross-checked against independent reproductions of the report's
 * table; see the plugin README ("Levels") for what was not.
 *
 * @public
 */
export const DORA_LEVEL_THRESHOLDS_2024 = {
  version: '2024',
  source:
    'DORA, Accelerate State of DevOps Report 2024, software delivery performance clusters',
  /** Minimum deployments / changes / failed deployments before a level is given. */
  minimumSample: {
    deployments: 5,
    changes: 5,
    failedDeployments: 3,
  },
  /** Successful production deployments per day, lower bounds. */
  deploymentsPerDay: {
    elite: 1,
    high: 1 / 7,
    medium: 1 / 30,
  },
  /** Median lead time for changes, upper bounds (exclusive), in ms. */
  leadTimeMs: {
    elite: DAY_MS,
    high: 7 * DAY_MS,
    medium: 30 * DAY_MS,
  },
  /** Change failure rate, upper bounds (inclusive), 0..1. */
  changeFailureRate: {
    elite: 0.05,
    high: 0.2,
    medium: 0.1,
  },
  /** Median failed deployment recovery time, upper bounds (exclusive), in ms. */
  recoveryTimeMs: {
    elite: HOUR_MS,
    high: DAY_MS,
    medium: DAY_MS,
  },
} as const;

/** @public */
export type DoraThresholds = typeof DORA_LEVEL_THRESHOLDS_2024;

/**
 * The thresholds the backend uses.
 *
 * @public
 */
export const DORA_LEVEL_THRESHOLDS: DoraThresholds = DORA_LEVEL_THRESHOLDS_2024;

const ORDER = ['elite', 'high', 'medium'] as const;

/** @public */
export function deploymentFrequencyLevel(
  deployments: number,
  perDay: number,
  t: DoraThresholds = DORA_LEVEL_THRESHOLDS,
): PerformanceLevel {
  if (deployments < t.minimumSample.deployments) return 'insufficient-data';
  for (const level of ORDER) {
    if (perDay >= t.deploymentsPerDay[level]) return level;
  }
  return 'low';
}

/** @public */
export function leadTimeLevel(
  changes: number,
  medianMs: number | null,
  t: DoraThresholds = DORA_LEVEL_THRESHOLDS,
): PerformanceLevel {
  if (changes < t.minimumSample.changes || medianMs === null) {
    return 'insufficient-data';
  }
  for (const level of ORDER) {
    if (medianMs < t.leadTimeMs[level]) return level;
  }
  return 'low';
}

/** @public */
export function changeFailureRateLevel(
  deployments: number,
  rate: number | null,
  t: DoraThresholds = DORA_LEVEL_THRESHOLDS,
): PerformanceLevel {
  if (deployments < t.minimumSample.deployments || rate === null) {
    return 'insufficient-data';
  }
  for (const level of ORDER) {
    if (rate <= t.changeFailureRate[level]) return level;
  }
  return 'low';
}

/** @public */
export function recoveryTimeLevel(
  recovered: number,
  medianMs: number | null,
  t: DoraThresholds = DORA_LEVEL_THRESHOLDS,
): PerformanceLevel {
  if (recovered < t.minimumSample.failedDeployments || medianMs === null) {
    return 'insufficient-data';
  }
  for (const level of ORDER) {
    if (medianMs < t.recoveryTimeMs[level]) return level;
  }
  return 'low';
}
