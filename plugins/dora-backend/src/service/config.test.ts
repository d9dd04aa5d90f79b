import { ConfigReader } from '@backstage/config';
import { readDoraConfig } from './config';

describe('readDoraConfig', () => {
  it('has defaults', () => {
    const config = readDoraConfig(new ConfigReader({}));
    expect(config).toMatchObject({
      allowedSubjects: [],
      maxBatchSize: 500,
      incidentLinkWindowMs: 24 * 3_600_000,
      environments: {},
      github: {
        apiBaseUrl: 'https://api.github.com',
        backfill: {
          enabled: false,
          schedule: {
            frequency: { minutes: 30 },
            timeout: { minutes: 30 },
            initialDelay: { seconds: 30 },
          },
          lookbackDays: 90,
        },
      },
    });
    expect(config.githubWebhookSecret).toBeUndefined();
  });

  it('reads every key and falls back to the github.com integration token', () => {
    const config = readDoraConfig(
      new ConfigReader({
        integrations: { github: [{ host: 'github.com', token: 't0ken' }] },
        dora: {
          ingestion: { allowedSubjects: ['external-ci'], maxBatchSize: 100 },
          incidents: { linkWindowHours: 6 },
          environments: { 'eu-1': 'production', 'eu-1-canary': 'staging' },
          github: {
            webhookSecret: 's3cret',
            apiBaseUrl: 'http://127.0.0.1:1',
            backfill: { enabled: true, frequencyMinutes: 5, lookbackDays: 7 },
          },
        },
      }),
    );
    expect(config).toEqual({
      allowedSubjects: ['external-ci'],
      maxBatchSize: 100,
      incidentLinkWindowMs: 6 * 3_600_000,
      environments: { 'eu-1': 'production', 'eu-1-canary': 'staging' },
      githubWebhookSecret: 's3cret',
      github: {
        apiBaseUrl: 'http://127.0.0.1:1',
        token: 't0ken',
        backfill: {
          enabled: true,
          schedule: {
            frequency: { minutes: 5 },
            timeout: { minutes: 30 },
            initialDelay: { seconds: 30 },
          },
          lookbackDays: 7,
        },
      },
    });
  });

  it('takes a full backfill schedule over frequencyMinutes', () => {
    const config = readDoraConfig(
      new ConfigReader({
        dora: {
          github: {
            backfill: {
              frequencyMinutes: 5,
              schedule: {
                frequency: { seconds: 4 },
                timeout: { seconds: 30 },
              },
            },
          },
        },
      }),
    );
    expect(config.github.backfill.schedule).toEqual({
      frequency: { seconds: 4 },
      timeout: { seconds: 30 },
    });
  });

  it('reads the allowed GitHub organisations shared with the scorecard, lower-cased', () => {
    expect(
      readDoraConfig(new ConfigReader({})).github.allowedOrganizations,
    ).toBeUndefined();
    expect(
      readDoraConfig(
        new ConfigReader({
          pavedRoad: { github: { allowedOrganizations: ['Acme-Freight'] } },
        }),
      ).github.allowedOrganizations,
    ).toEqual(['acme-freight']);
  });

  it('refuses an unknown environment tier', () => {
    expect(() =>
      readDoraConfig(
        new ConfigReader({ dora: { environments: { prod: 'prodution' } } }),
      ),
    ).toThrow(
      "dora.environments.prod must be one of production, staging, development, other, got 'prodution'",
    );
  });
});
