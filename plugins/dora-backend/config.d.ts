import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  pavedRoad?: {
    github?: {
      /**
       * GitHub organisations (or users) whose repositories feed DORA,
       * compared case-insensitively; shared with the scorecard backend. A
       * webhook delivery from a repository outside them is refused (403) and
       * the backfill skips it. Unset: any organisation (a warning at
       * startup); `[]`: none.
       */
      allowedOrganizations?: string[];
    };
  };
  /** Settings of the DORA metrics backend (@internal/plugin-dora-backend). */
  dora?: {
    ingestion?: {
      /**
       * Service principal subjects that may POST /api/dora/events, e.g. the
       * `subject` of a `backend.auth.externalAccess` static token.
       */
      allowedSubjects?: string[];
      /** Most events per request. Default 500. */
      maxBatchSize?: number;
    };
    incidents?: {
      /**
       * How far back from its opening an incident is linked to the latest
       * production deployment of its service. Default 24.
       */
      linkWindowHours?: number;
    };
    /** Environment name to tier: production, staging, development or other. */
    environments?: { [name: string]: string };
    github?: {
      /**
       * Secret of the GitHub webhook (X-Hub-Signature-256).
       * @visibility secret
       */
      webhookSecret?: string;
      /** GitHub REST API base URL. Default https://api.github.com. */
      apiBaseUrl?: string;
      /**
       * Token for the backfill; defaults to the github.com entry of
       * integrations.github.
       * @visibility secret
       */
      token?: string;
      backfill?: {
        /** Run the backfill on the scheduler. Default false. */
        enabled?: boolean;
        /** Default 30. */
        frequencyMinutes?: number;
        /**
         * The full schedule (frequency, timeout, initialDelay); wins over
         * frequencyMinutes. Default: every frequencyMinutes, 30 min timeout,
         * 30 s initial delay.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** How far back the first pass goes. Default 90. */
        lookbackDays?: number;
      };
    };
  };
}
