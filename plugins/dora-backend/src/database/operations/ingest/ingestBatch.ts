import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import { IngestResultStatus } from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { IngestBatch, IngestOptions, IngestResult } from '../../types';
import { markDeploymentRollupsStale } from './markDeploymentRollupsStale';
import { BatchTouches } from './BatchTouches';
import { deliverySeenBefore, EventResults, filterNew } from './lookups';
import { inferRollbacks } from './inferRollbacks';
import { insertDeployments } from './insertDeployments';
import { lockServices, serviceLockKeys, ServiceQueue } from './lockServices';
import { upsertChanges } from './upsertChanges';
import { upsertIncident } from './upsertIncident';

/** The response: how many events of each status, and each event's. */
function tally(results: EventResults): IngestResult {
  const sorted = [...results.entries()].sort((a, b) => a[0] - b[0]);
  const count = (s: IngestResultStatus) =>
    sorted.filter(([, v]) => v === s).length;
  return {
    replay: false as const,
    created: count('created'),
    duplicates: count('duplicate'),
    updated: count('updated'),
    results: sorted.map(([index, status]) => ({ index, status })),
  };
}

/**
 * Stores a batch in one transaction: its deployments, changes and incidents,
 * the links between them, and the derived columns and rollups they change.
 */
async function ingestOnce(
  db: Knex,
  batch: IngestBatch,
  options: IngestOptions,
): Promise<IngestResult> {
  const now = options.now ?? Date.now();
  return db.transaction(async trx => {
    await lockServices(trx, batch);
    if (
      options.delivery &&
      (await deliverySeenBefore(trx, options.delivery, now))
    ) {
      return { replay: true as const };
    }

    const results: EventResults = new Map();
    const touched = new BatchTouches();

    await insertDeployments(trx, batch.deployments, results, touched, now);
    // Before the incidents: their rollback link sees inferred rollbacks.
    await inferRollbacks(trx, touched);

    // Changes: a second event for the same (service, commit) fills the gaps
    const newChanges = await filterNew(
      trx,
      'dora_changes',
      batch.changes,
      results,
    );
    // ... and every commit the batch touched is relinked, in one pass.
    await upsertChanges(trx, newChanges, results, touched, now);

    // Incidents, in order: a later event may resolve an earlier one
    const newIncidents = await filterNew(
      trx,
      'dora_incidents',
      batch.incidents,
      results,
    );
    for (const incident of newIncidents) {
      results.set(
        incident.index,
        await upsertIncident(trx, incident, options, now, touched.deployments),
      );
    }
    await markDeploymentRollupsStale(
      trx,
      touched.deployments,
      touched.staleDays,
    );
    return tally(results);
  });
}

/**
 * Stores a batch (DoraStore.ingest), after the batches of this process
 * that touch the same services (`queue`).
 */
export async function ingestBatch(
  db: Knex,
  batch: IngestBatch,
  options: IngestOptions,
  queue?: ServiceQueue,
): Promise<IngestResult> {
  const release = await queue?.acquire(serviceLockKeys(batch));
  try {
    // A concurrent delivery of the same keys makes one transaction fail on
    // a unique constraint; retried, it finds them stored and reports
    // duplicates.
    for (let attempt = 1; ; attempt++) {
      try {
        return await ingestOnce(db, batch, options);
      } catch (error) {
        if (attempt >= 3 || !isDatabaseConflictError(error)) throw error;
      }
    }
  } finally {
    release?.();
  }
}
