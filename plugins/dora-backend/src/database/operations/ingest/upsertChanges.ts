import { Knex } from 'knex';
import { NewChange } from '../../types';
import { BatchTouches } from './BatchTouches';
import { EventResults } from './lookups';
import {
  commitKey,
  mergeChange,
  PendingChanges,
  relinkChanges,
} from './relinkChanges';

/**
 * Stores the batch's new change events: a change for a (service, commit)
 * already known fills in the fields it did not have, else it is inserted;
 * then relinks every commit the batch touched (relinkChanges), which
 * writes both in the same few statements: a new change is inserted
 * already linked to the deployments stored before it.
 */
export async function upsertChanges(
  trx: Knex.Transaction,
  changes: NewChange[],
  results: EventResults,
  touched: BatchTouches,
  now: number,
) {
  // Merge events for the same commit within the batch first.
  const pending: PendingChanges = new Map();
  const firstIndex = new Map<string, number>();
  for (const c of changes) {
    const k = commitKey(c.serviceRef, c.commitSha);
    const prev = pending.get(k);
    if (prev) {
      pending.set(k, mergeChange(prev, c));
      results.set(c.index, 'updated');
    } else {
      pending.set(k, c);
      firstIndex.set(k, c.index);
    }
    touched.commit(c.serviceRef, c.commitSha);
  }
  const storedBefore = await relinkChanges(trx, touched, pending, now);
  for (const [k, index] of firstIndex) {
    results.set(index, storedBefore.has(k) ? 'updated' : 'created');
  }
}
