import { Knex } from 'knex';
import { toDbChange, toDbChangeFields, toNewChange } from '../../conversion';
import { DbChangeRow } from '../../tables';
import { NewChange } from '../../types';
import { chunks, insertInChunks } from '../../util';
import { EventResults } from './lookups';

/** Later events fill fields the earlier ones did not know. */
function mergeChange(a: NewChange, b: NewChange): NewChange {
  const min = (x: number | null, y: number | null) => {
    if (x === null) return y;
    if (y === null) return x;
    return Math.min(x, y);
  };
  return {
    ...a,
    prNumber: a.prNumber ?? b.prNumber,
    authoredAt: Math.min(a.authoredAt, b.authoredAt),
    firstPushedAt: min(a.firstPushedAt, b.firstPushedAt),
    prOpenedAt: a.prOpenedAt ?? b.prOpenedAt,
    mergedAt: a.mergedAt ?? b.mergedAt,
    squashMerge: a.squashMerge || b.squashMerge,
  };
}

/**
 * Stores the batch's new change events: a change for a (service, commit)
 * already known fills in the fields it did not have, else it is inserted.
 */
export async function upsertChanges(
  trx: Knex.Transaction,
  changes: NewChange[],
  results: EventResults,
  now: number,
) {
  // Merge events for the same commit within the batch first.
  const byCommit = new Map<string, NewChange>();
  const firstIndex = new Map<string, number>();
  for (const c of changes) {
    const k = `${c.serviceRef}\u0000${c.commitSha}`;
    const prev = byCommit.get(k);
    if (prev) {
      byCommit.set(k, mergeChange(prev, c));
      results.set(c.index, 'updated');
    } else {
      byCommit.set(k, c);
      firstIndex.set(k, c.index);
    }
  }
  const merged = [...byCommit.entries()];
  const existing = new Map<string, DbChangeRow>();
  const byService = new Map<string, string[]>();
  for (const [, c] of merged) {
    byService.set(c.serviceRef, [
      ...(byService.get(c.serviceRef) ?? []),
      c.commitSha,
    ]);
  }
  for (const [service, shas] of byService) {
    for (const part of chunks(shas)) {
      const rows: DbChangeRow[] = await trx('dora_changes')
        .where('service_ref', service)
        .whereIn('commit_sha', part)
        .select();
      rows.forEach(r =>
        existing.set(`${r.service_ref}\u0000${r.commit_sha}`, r),
      );
    }
  }
  const inserts: NewChange[] = [];
  for (const [k, c] of merged) {
    const row = existing.get(k);
    if (!row) {
      inserts.push(c);
      results.set(firstIndex.get(k)!, 'created');
      continue;
    }
    const m = mergeChange(toNewChange(row, c.index), c);
    await trx('dora_changes').where('id', row.id).update(toDbChangeFields(m));
    results.set(firstIndex.get(k)!, 'updated');
  }
  await insertInChunks(
    trx,
    'dora_changes',
    inserts.map(c => toDbChange(c, now)),
    50,
  );
}
