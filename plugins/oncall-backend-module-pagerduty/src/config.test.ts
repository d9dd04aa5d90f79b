import { ConfigReader } from '@backstage/config';
import { readPagerDutyConfig } from './config';

const read = (pagerduty?: object) =>
  readPagerDutyConfig(
    new ConfigReader(pagerduty ? { oncall: { pagerduty } } : {}),
  );

describe('readPagerDutyConfig', () => {
  it('applies the defaults', () => {
    expect(read({ token: 'k' })).toEqual({
      apiBaseUrl: 'https://api.pagerduty.com',
      token: 'k',
      fromEmail: undefined,
      cacheTtlMs: 60_000,
      maxRetries: 3,
      maxRetryWaitMs: 10_000,
      requestTimeoutMs: 10_000,
      webhookSecret: undefined,
      doraIncidents: true,
      reconcileEveryMs: 5 * 60_000,
      reconcileLookbackMs: 7 * 86_400_000,
    });
    expect(
      read({
        token: 'k',
        apiBaseUrl: 'https://api.eu.pagerduty.com/',
        fromEmail: 'paved-road@acme-freight.example',
        cacheTtlSeconds: 0,
        maxRetries: 1,
        maxRetryWaitSeconds: 5,
        requestTimeoutSeconds: 2.5,
      }),
    ).toEqual({
      apiBaseUrl: 'https://api.eu.pagerduty.com',
      token: 'k',
      fromEmail: 'paved-road@acme-freight.example',
      cacheTtlMs: 0,
      maxRetries: 1,
      maxRetryWaitMs: 5000,
      requestTimeoutMs: 2500,
      webhookSecret: undefined,
      doraIncidents: true,
      reconcileEveryMs: 5 * 60_000,
      reconcileLookbackMs: 7 * 86_400_000,
    });
  });

  it('names the key of what is missing or wrong', () => {
    for (const config of [undefined, {}, { token: ' ' }]) {
      expect(() => read(config)).toThrow(
        /^oncall\.pagerduty\.token is not set: /,
      );
    }
    expect(() => read({ token: 'k', maxRetries: 1.5 })).toThrow(
      'oncall.pagerduty.maxRetries must be a non-negative integer, got 1.5',
    );
    expect(() => read({ token: 'k', cacheTtlSeconds: -1 })).toThrow(
      'oncall.pagerduty.cacheTtlSeconds must be a non-negative number, got -1',
    );
    expect(() => read({ token: 'k', requestTimeoutSeconds: 0 })).toThrow(
      'oncall.pagerduty.requestTimeoutSeconds must be a positive number, got 0',
    );
    expect(() => read({ token: 'k', apiBaseUrl: 'api.pagerduty.com' })).toThrow(
      'oncall.pagerduty.apiBaseUrl must be an http(s) URL, got "api.pagerduty.com"',
    );
  });
});
