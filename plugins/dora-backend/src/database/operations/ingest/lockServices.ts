import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { isPostgres } from '../../util';
import { IngestBatch } from '../../types';

/**
 * First key of the per-service ingestion locks, taken in PostgreSQL's
 * two-int4 form `pg_advisory_xact_lock(SERVICE_LOCK_CLASS, serviceLockKey)`.
 * That key space is distinct from the single-bigint one of the rollup
 * refresh lock (operations/rollups/refreshStaleRollups.ts), so the two can
 * never collide.
 */
const SERVICE_LOCK_CLASS = 0x646f7273; // 'dors'

/** The second key of a service's ingestion lock: int4 of a stable hash. */
function serviceLockKey(serviceRef: string): number {
  return createHash('sha256')
    .update(`dora-service:${serviceRef}`)
    .digest()
    .readInt32BE(0);
}

/** The lock keys of the services a batch touches, in ascending order. */
export function serviceLockKeys(batch: IngestBatch): number[] {
  const services = new Set<string>();
  for (const e of [
    ...batch.deployments,
    ...batch.changes,
    ...batch.incidents,
  ]) {
    services.add(e.serviceRef);
  }
  return [...new Set([...services].map(serviceLockKey))].sort((x, y) => x - y);
}

/**
 * The same keys within this process, taken before the transaction starts:
 * a batch waiting for a service another batch of this process is storing
 * waits here, not in a transaction holding one of the pool's few
 * connections (which reads then waited for). The database locks are taken
 * as before (lockServices): they serialise the replicas, and batches of
 * stores that do not share this queue.
 */
export class ServiceQueue {
  private readonly tails = new Map<number, Promise<void>>();

  /**
   * Waits until no earlier caller holds any of `keys` (taken one by one
   * in ascending order, like the database locks, so two callers cannot
   * deadlock); the answer releases them.
   */
  async acquire(keys: number[]): Promise<() => void> {
    const releases: Array<() => void> = [];
    try {
      for (const key of [...new Set(keys)].sort((x, y) => x - y)) {
        const previous = this.tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const held = new Promise<void>(resolve => {
          release = resolve;
        });
        const tail = previous.then(() => held);
        this.tails.set(key, tail);
        releases.push(() => {
          release();
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
        await previous;
      }
    } catch (error) {
      releases.forEach(r => r());
      throw error;
    }
    return () => releases.forEach(r => r());
  }
}

/**
 * Serialises batches that touch the same service, for the whole transaction.
 *
 * Each batch runs in one READ COMMITTED transaction, which does not see the
 * rows of a concurrent one until it commits. Unserialised, a change and the
 * production deployment that ships it, sent in two requests at the same
 * moment, are each relinked without the other and the change stays
 * unlinked for good; two production deployments of the same commit sent at
 * once both count the change in the change-day histograms. Under the lock,
 * a batch's statements start after the previous batch of the same service
 * committed, so they see its rows. Everything a batch writes belongs to the
 * services of its events: deployments, changes and incidents, and the
 * deployments a deployment remediates or an incident names (looked up
 * within the same service).
 *
 * PostgreSQL: one transaction-scoped advisory lock per service, taken in
 * ascending key order in one statement (ORDER BY is applied before the
 * volatile select list is evaluated), so two batches cannot deadlock; two
 * services sharing a hash merely share a lock. SQLite: nothing to take, it
 * has a single writer (and Backstage's client a single connection), so
 * transactions already run one after the other.
 */
export async function lockServices(trx: Knex.Transaction, batch: IngestBatch) {
  if (!isPostgres(trx)) return;
  const keys = serviceLockKeys(batch);
  if (!keys.length) return;
  await trx.raw(
    'SELECT pg_advisory_xact_lock(?, k) FROM unnest(?::int4[]) AS t(k) ORDER BY k',
    [SERVICE_LOCK_CLASS, `{${keys.join(',')}}`],
  );
}
