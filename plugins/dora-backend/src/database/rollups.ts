import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

type Where = (q: Knex.QueryBuilder) => void;

/**
 * The rollup SQL shared with the migration that backfills it
 * (migrations/shared/rollups.js), loaded from the package's migrations
 * directory so that both run the same code in development and in the bundle.
 */
interface RollupsModule {
  SUB_BUCKETS: number;
  CHANGE_METRICS: string[];
  refreshChangeValues(knex: Knex, where?: Where): Promise<void>;
  refreshDeploymentFlags(knex: Knex, where?: Where): Promise<void>;
  rebuildDeploymentRollups(
    knex: Knex,
    keys?: { days: number[] },
  ): Promise<void>;
  changeContributions(
    row: Record<string, unknown>,
  ): Array<[string, string, string, number, number, number]>;
  rebuildRollups(knex: Knex): Promise<void>;
}

// eslint-disable-next-line @backstage/no-undeclared-imports, @typescript-eslint/no-require-imports
const rollups: RollupsModule = require(resolvePackagePath(
  '@internal/plugin-dora-backend',
  'migrations/shared/rollups.js',
));

export const {
  SUB_BUCKETS,
  CHANGE_METRICS,
  refreshChangeValues,
  refreshDeploymentFlags,
  rebuildDeploymentRollups,
  changeContributions,
  rebuildRollups,
} = rollups;
