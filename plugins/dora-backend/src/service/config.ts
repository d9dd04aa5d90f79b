import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { HOUR_MS } from '@internal/paved-road-common';
import {
  ENVIRONMENT_TIERS,
  EnvironmentTier,
} from '@internal/plugin-dora-common';

/** Shared with the scorecard backend, which reads the same list. */
export const ALLOWED_ORGANIZATIONS_KEY =
  'pavedRoad.github.allowedOrganizations';

/** The plugin's settings, read once from `dora.*` (and the key above). */
export interface DoraConfig {
  /** Service principal subjects allowed to POST events (e.g. `external-ci`). */
  allowedSubjects: string[];
  maxBatchSize: number;
  incidentLinkWindowMs: number;
  environments: Record<string, EnvironmentTier>;
  githubWebhookSecret?: string;
  github: {
    apiBaseUrl: string;
    token?: string;
    /**
     * `pavedRoad.github.allowedOrganizations`, lower-cased: the organisations
     * whose repositories may feed DORA. Undefined: any.
     */
    allowedOrganizations?: string[];
    backfill: {
      enabled: boolean;
      schedule: SchedulerServiceTaskScheduleDefinition;
      lookbackDays: number;
    };
  };
}

export function readDoraConfig(config: Config): DoraConfig {
  const dora = config.getOptionalConfig('dora');
  const environments: Record<string, EnvironmentTier> = {};
  const envConfig = dora?.getOptionalConfig('environments');
  for (const name of envConfig?.keys() ?? []) {
    const tier = envConfig!.getString(name);
    if (!ENVIRONMENT_TIERS.includes(tier as EnvironmentTier)) {
      throw new Error(
        `dora.environments.${name} must be one of ${ENVIRONMENT_TIERS.join(
          ', ',
        )}, got '${tier}'`,
      );
    }
    environments[name] = tier as EnvironmentTier;
  }
  return {
    allowedSubjects:
      dora?.getOptionalStringArray('ingestion.allowedSubjects') ?? [],
    maxBatchSize: dora?.getOptionalNumber('ingestion.maxBatchSize') ?? 500,
    incidentLinkWindowMs:
      (dora?.getOptionalNumber('incidents.linkWindowHours') ?? 24) * HOUR_MS,
    environments,
    githubWebhookSecret: dora?.getOptionalString('github.webhookSecret'),
    github: {
      apiBaseUrl:
        dora?.getOptionalString('github.apiBaseUrl') ??
        'https://api.github.com',
      token:
        dora?.getOptionalString('github.token') ?? integrationToken(config),
      allowedOrganizations: config
        .getOptionalStringArray(ALLOWED_ORGANIZATIONS_KEY)
        ?.map(o => o.toLocaleLowerCase('en-US')),
      backfill: {
        enabled: dora?.getOptionalBoolean('github.backfill.enabled') ?? false,
        schedule: backfillSchedule(dora),
        lookbackDays:
          dora?.getOptionalNumber('github.backfill.lookbackDays') ?? 90,
      },
    },
  };
}

/**
 * `backfill.schedule` in full, else every `frequencyMinutes` (default 30)
 * after a 30 s start-up delay.
 */
function backfillSchedule(
  dora: Config | undefined,
): SchedulerServiceTaskScheduleDefinition {
  const schedule = dora?.getOptionalConfig('github.backfill.schedule');
  if (schedule) {
    return readSchedulerServiceTaskScheduleDefinitionFromConfig(schedule);
  }
  return {
    frequency: {
      minutes:
        dora?.getOptionalNumber('github.backfill.frequencyMinutes') ?? 30,
    },
    timeout: { minutes: 30 },
    initialDelay: { seconds: 30 },
  };
}

/** The token of the github.com entry of `integrations.github`, if any. */
function integrationToken(config: Config): string | undefined {
  const entries = config.getOptionalConfigArray('integrations.github') ?? [];
  const entry = entries.find(
    e => (e.getOptionalString('host') ?? 'github.com') === 'github.com',
  );
  return entry?.getOptionalString('token') || undefined;
}
