/*
 * What a batch's events refer to that may be stored already: their own
 * idempotency keys, the deployments they name, the webhook delivery.
 */
import { IngestResultStatus } from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { DbBigInt, DbWebhookDeliveryRow } from '../../tables';
import { chunks, MAX_BINDINGS, whereInList } from '../../util';

/** The status of each event of a batch, by its index in the request. */
export type EventResults = Map<number, IngestResultStatus>;

/** The tables whose rows carry an event's idempotency key. */
type EventTable = 'dora_deployments' | 'dora_changes' | 'dora_incidents';

/**
 * Drops events whose idempotency key was stored before or repeats earlier
 * in the batch, marking them as duplicates.
 */
export async function filterNew<
  T extends { index: number; idempotencyKey: string },
>(
  trx: Knex.Transaction,
  table: EventTable,
  events: T[],
  results: EventResults,
): Promise<T[]> {
  const existing = new Set<string>();
  for (const part of chunks(
    [...new Set(events.map(e => e.idempotencyKey))],
    MAX_BINDINGS,
  )) {
    const rows: Array<{ idempotency_key: string }> = await whereInList(
      trx(table).select('idempotency_key'),
      'idempotency_key',
      part,
    );
    rows.forEach(r => existing.add(r.idempotency_key));
  }
  const out: T[] = [];
  for (const e of events) {
    if (existing.has(e.idempotencyKey)) {
      results.set(e.index, 'duplicate');
    } else {
      existing.add(e.idempotencyKey);
      out.push(e);
    }
  }
  return out;
}

/**
 * The id of the newest deployment of a service that `where` selects: latest
 * finish, then highest id.
 */
export async function newestDeploymentOf(
  trx: Knex.Transaction,
  serviceRef: string,
  where: (q: Knex.QueryBuilder) => void,
): Promise<number | undefined> {
  const q = trx('dora_deployments').where('service_ref', serviceRef);
  where(q);
  const row: { id: DbBigInt } | undefined = await q
    .orderBy([
      { column: 'finished_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first('id');
  return row ? Number(row.id) : undefined;
}

/** A deployment of the same service by idempotency key or external id. */
export async function findDeployment(
  trx: Knex.Transaction,
  serviceRef: string,
  ref: string,
): Promise<number | undefined> {
  return newestDeploymentOf(trx, serviceRef, q =>
    q.andWhere(s =>
      s.where('idempotency_key', ref).orWhere('external_id', ref),
    ),
  );
}

/**
 * Whether this webhook delivery was stored before (a replay); else stores
 * it, in the batch's transaction, so it is seen once its events are.
 */
export async function deliverySeenBefore(
  trx: Knex.Transaction,
  delivery: { id: string; event: string },
  now: number,
): Promise<boolean> {
  const seen: DbWebhookDeliveryRow | undefined = await trx(
    'dora_webhook_deliveries',
  )
    .where('delivery_id', delivery.id)
    .first();
  if (seen) return true;
  const row: DbWebhookDeliveryRow = {
    delivery_id: delivery.id,
    event: delivery.event,
    received_at: now,
  };
  await trx('dora_webhook_deliveries').insert(row);
  return false;
}
