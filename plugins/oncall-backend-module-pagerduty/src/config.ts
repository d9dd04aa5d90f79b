import { Config } from '@backstage/config';
import { DAY_MS, MINUTE_MS } from '@internal/paved-road-common';

/** Where the module's settings live in app-config. */
export const CONFIG_PREFIX = 'oncall.pagerduty';
/** The key of the API token, named in every error about it. */
export const TOKEN_CONFIG_KEY = `${CONFIG_PREFIX}.token`;

export const DEFAULT_API_BASE_URL = 'https://api.pagerduty.com';

/**
 * The module's settings, with defaults applied.
 *
 * @public
 */
export interface PagerDutyConfig {
  apiBaseUrl: string;
  token: string;
  fromEmail?: string;
  cacheTtlMs: number;
  maxRetries: number;
  maxRetryWaitMs: number;
  requestTimeoutMs: number;
  /**
   * The secret of the v3 webhook subscription; without it the webhook
   * endpoint refuses every delivery (503) rather than trust unsigned ones.
   */
  webhookSecret?: string;
  /** Whether PagerDuty incidents are sent to the DORA plugin as incident events. */
  doraIncidents: boolean;
  /** How often incidents are reconciled into DORA (what webhooks missed). */
  reconcileEveryMs: number;
  /** How far back each reconciliation lists incidents. */
  reconcileLookbackMs: number;
}

function nonNegative(
  config: Config,
  key: string,
  fallback: number,
  options: { integer?: boolean; positive?: boolean } = {},
): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  const bad =
    !Number.isFinite(value) ||
    value < 0 ||
    (options.positive && value === 0) ||
    (options.integer && !Number.isInteger(value));
  if (bad) {
    throw new Error(
      `${CONFIG_PREFIX}.${key} must be a ${
        options.positive ? 'positive' : 'non-negative'
      } ${options.integer ? 'integer' : 'number'}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `oncall.pagerduty`. Throws, naming the key, when the token is
 * missing (the module cannot do anything without it) or a value is out of
 * range.
 *
 * @public
 */
export function readPagerDutyConfig(root: Config): PagerDutyConfig {
  const config = root.getOptionalConfig(CONFIG_PREFIX);
  const token = config?.getOptionalString('token')?.trim();
  if (!config || !token) {
    throw new Error(
      `${TOKEN_CONFIG_KEY} is not set: the PagerDuty on-call module ` +
        `(@internal/plugin-oncall-backend-module-pagerduty) needs a PagerDuty ` +
        `REST API key. Set it from the environment, e.g. ` +
        `"token: \${PAGERDUTY_TOKEN}", or remove the module from the backend.`,
    );
  }
  const apiBaseUrl = (
    config.getOptionalString('apiBaseUrl') ?? DEFAULT_API_BASE_URL
  ).replace(/\/+$/, '');
  try {
    // Only http(s) URLs: a typo should fail at start, not at 2 a.m.
    const url = new URL(apiBaseUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(url.protocol);
    }
  } catch {
    throw new Error(
      `${CONFIG_PREFIX}.apiBaseUrl must be an http(s) URL, got "${apiBaseUrl}"`,
    );
  }
  const fromEmail = config.getOptionalString('fromEmail')?.trim() || undefined;
  return {
    apiBaseUrl,
    token,
    fromEmail,
    cacheTtlMs: nonNegative(config, 'cacheTtlSeconds', 60) * 1000,
    maxRetries: nonNegative(config, 'maxRetries', 3, { integer: true }),
    maxRetryWaitMs: nonNegative(config, 'maxRetryWaitSeconds', 10) * 1000,
    requestTimeoutMs:
      nonNegative(config, 'requestTimeoutSeconds', 10, { positive: true }) *
      1000,
    webhookSecret:
      config.getOptionalString('webhookSecret')?.trim() || undefined,
    doraIncidents: config.getOptionalBoolean('doraIncidents.enabled') ?? true,
    reconcileEveryMs:
      nonNegative(config, 'doraIncidents.reconcileEveryMinutes', 5, {
        positive: true,
      }) * MINUTE_MS,
    reconcileLookbackMs:
      nonNegative(config, 'doraIncidents.lookbackDays', 7, {
        positive: true,
      }) * DAY_MS,
  };
}
