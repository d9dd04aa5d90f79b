import { HumanDuration } from '@backstage/types';
import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  pavedRoad?: {
    github?: {
      /**
       * GitHub organisations (or users) whose repositories the portal reads,
       * compared case-insensitively; shared with the DORA backend. A
       * `github.com/project-slug` outside them fails ci-passing, with the
       * reason. Unset: any organisation (a warning at startup); `[]`: none.
       */
      allowedOrganizations?: string[];
    };
  };
  scorecard?: {
    checks?: {
      /**
       * Path of the checks YAML file (relative paths resolve against the
       * backend's working directory). Defaults to the file shipped with the
       * plugin, checks/default.yaml. Re-read every 30 seconds.
       */
      file?: string;
    };
    /** Facts older than this are reported as no data (stale). Default 24 hours. */
    staleAfter?: HumanDuration | string;
    /** Full evaluation of the catalog. Default: every hour. */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    /** Evaluation of new or changed entities only. Default: every 2 minutes. */
    changesSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    /** Entities per catalog page and database write. Default 200. */
    batchSize?: number;
    /** Parallel requests to GitHub, TechDocs and the on-call backend during evaluation. Default 8. */
    concurrency?: number;
    github?: {
      /** GitHub API base URL. Default https://api.github.com. */
      baseUrl?: string;
      /**
       * Token with read access to Actions (workflow runs) and metadata.
       * @visibility secret
       */
      token?: string;
    };
    notifications?: {
      /** Notify the owning team when a service starts failing a critical check. Default true. */
      enabled?: boolean;
    };
  };
}
