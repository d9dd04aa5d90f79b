import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  DoraChangeRow,
  DoraDeploymentRow,
  DoraEnvironment,
  DoraIncidentRow,
} from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { BackfillCursorStore } from './BackfillCursorStore';
import { ingestBatch } from './operations/ingest/ingestBatch';
import { ServiceQueue } from './operations/ingest/lockServices';
import { rebuildRollups } from './operations/rollups/rebuildRollups';
import { refreshStaleRollups } from './operations/rollups/refreshStaleRollups';
import { runPendingBackfills } from './operations/rollups/runPendingBackfills';
import { dataQuality } from './queries/dataQuality';
import { environments } from './queries/environments';
import { listChanges } from './queries/listChanges';
import { listDeployments } from './queries/listDeployments';
import { listIncidents } from './queries/listIncidents';
import { rawFigures } from './queries/rawFigures';
import { summary } from './queries/summary/summary';
import {
  BackfillCursor,
  BackfillCursors,
  DataQualityCounts,
  DoraStore,
  IngestBatch,
  IngestOptions,
  IngestResult,
  MetricsFilter,
  RawFigures,
  ScopeFilter,
  SummaryOptions,
  WindowSummary,
} from './types';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-dora-backend',
  'migrations',
);

/**
 * The knex-backed store of deployments, changes and incidents, with the
 * aggregate queries behind the metrics. Same SQL on PostgreSQL and SQLite.
 *
 * A facade: ingestion and rollup upkeep are in operations/, the reads in
 * queries/, the backfill cursors in BackfillCursorStore.
 */
export class DatabaseDoraStore implements DoraStore, BackfillCursors {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseDoraStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    const store = new DatabaseDoraStore(client);
    await runPendingBackfills(client);
    return store;
  }

  private readonly cursors: BackfillCursorStore;
  /** Batches of this process wait here for their services' turn. */
  private readonly ingestQueue = new ServiceQueue();

  private constructor(private readonly db: Knex) {
    this.cursors = new BackfillCursorStore(db);
  }

  async ingest(
    batch: IngestBatch,
    options: IngestOptions,
  ): Promise<IngestResult> {
    return ingestBatch(this.db, batch, options, this.ingestQueue);
  }

  /**
   * Recomputes the deployment rollups of the days ingestion marked stale,
   * off the request path (RollupRefresher).
   */
  async refreshStaleRollups(): Promise<void> {
    await refreshStaleRollups(this.db);
  }

  async rebuildRollups(): Promise<void> {
    await this.db.transaction(trx => rebuildRollups(trx));
  }

  async summary(
    filter: MetricsFilter,
    options: SummaryOptions,
  ): Promise<WindowSummary> {
    return summary(this.db, filter, options);
  }

  async rawFigures(filter: MetricsFilter): Promise<RawFigures> {
    return rawFigures(this.db, filter);
  }

  async environments(filter: ScopeFilter): Promise<DoraEnvironment[]> {
    return environments(this.db, filter);
  }

  async dataQuality(filter: MetricsFilter): Promise<DataQualityCounts> {
    return dataQuality(this.db, filter);
  }

  async listDeployments(
    filter: MetricsFilter,
    limit: number,
  ): Promise<DoraDeploymentRow[]> {
    return listDeployments(this.db, filter, limit);
  }

  async listChanges(
    filter: MetricsFilter,
    limit: number,
  ): Promise<DoraChangeRow[]> {
    return listChanges(this.db, filter, limit);
  }

  async listIncidents(
    filter: MetricsFilter,
    limit: number,
  ): Promise<DoraIncidentRow[]> {
    return listIncidents(this.db, filter, limit);
  }

  async getCursor(repo: string, resource: string): Promise<BackfillCursor> {
    return this.cursors.getCursor(repo, resource);
  }

  async saveCursor(
    repo: string,
    resource: string,
    cursor: BackfillCursor,
  ): Promise<void> {
    await this.cursors.saveCursor(repo, resource, cursor);
  }
}
