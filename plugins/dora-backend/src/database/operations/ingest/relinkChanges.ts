import { Knex } from 'knex';
import { toNewChange } from '../../conversion';
import { DbChangeRow, DbDeploymentRow } from '../../tables';
import { NewChange } from '../../types';
import {
  chunks,
  insertRows,
  isPostgres,
  MAX_BINDINGS,
  pgArray,
  rowsPerStatement,
  selectByCommits,
  whereInList,
} from '../../util';
import {
  CHANGE_ROLLUPS,
  ChangeHistogramDeltas,
} from '../rollups/changeRollups';
import { FIRST_DEPLOYMENT_COLUMNS } from '../rollups/changeEnvironments';
import { changeValues } from '../rollups/changeValues';
import { BatchTouches } from './BatchTouches';

/** A deployment as relinking reads it. */
type DeploymentRow = Pick<
  DbDeploymentRow,
  | 'id'
  | 'finished_at'
  | 'owner_ref'
  | 'environment'
  | 'environment_tier'
  | 'status'
>;

/** A deployment that ships a change, as the link needs it. */
interface Shipping {
  id: number;
  finishedAt: number;
  ownerRef: string | null;
  environment: string;
  production: boolean;
}

/** `a` finished before `b` (ties: lower id first). */
const earlier = (a: Shipping, b: Shipping) =>
  (a.finishedAt - b.finishedAt || a.id - b.id) < 0;

/** Key of a change: its service and commit. */
export const commitKey = (service: string, sha: string) =>
  `${service}\u0000${sha}`;

/**
 * Change events of a batch to store, merged per commit (keyed by
 * commitKey), in the order they first appear.
 */
export type PendingChanges = Map<string, NewChange>;

const ms = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A change's durations and their histogram buckets, as both tables store them. */
const DURATION_COLUMNS = [
  'lead_ms',
  'lead_bucket',
  'coding_ms',
  'coding_bucket',
  'review_ms',
  'review_bucket',
  'waiting_ms',
  'waiting_bucket',
] as const;

/** The columns of dora_changes relinking (re)writes, as numbers. */
const CHANGE_COLUMNS = [
  'pr_number',
  'authored_at',
  'first_pushed_at',
  'pr_opened_at',
  'merged_at',
  'squash_merge',
  'deployment_id',
  'deployed_at',
  'owner_ref',
  'fallback',
  ...DURATION_COLUMNS,
] as const;
type ChangeColumn = (typeof CHANGE_COLUMNS)[number];
type ChangeColumns = Record<ChangeColumn, number | string | boolean | null>;

/** A stored row's CHANGE_COLUMNS, as numbers and booleans. */
function storedColumns(row: DbChangeRow): ChangeColumns {
  const out = {} as ChangeColumns;
  for (const c of CHANGE_COLUMNS) {
    const v = (row as any)[c];
    if (c === 'owner_ref') out[c] = v ?? null;
    else if (c === 'squash_merge') out[c] = Boolean(Number(v));
    else out[c] = ms(v);
  }
  return out;
}

/** The durations and buckets of a change deployed at `deployedAt`. */
function valuesOf(change: NewChange, deployedAt: number | null) {
  return changeValues({
    deployed_at: deployedAt,
    authored_at: change.authoredAt,
    pr_opened_at: change.prOpenedAt,
    merged_at: change.mergedAt,
    squash_merge: change.squashMerge,
  });
}

/** The CHANGE_COLUMNS of `change` linked to `first` (none: unlinked). */
function linkedColumns(
  change: NewChange,
  first: Shipping | undefined,
): ChangeColumns {
  const deployedAt = first ? first.finishedAt : null;
  return {
    pr_number: change.prNumber,
    authored_at: change.authoredAt,
    first_pushed_at: change.firstPushedAt,
    pr_opened_at: change.prOpenedAt,
    merged_at: change.mergedAt,
    squash_merge: change.squashMerge,
    deployment_id: first ? first.id : null,
    deployed_at: deployedAt,
    owner_ref: first ? first.ownerRef : null,
    ...(valuesOf(change, deployedAt) as Record<string, number | null>),
  } as ChangeColumns;
}

const sameColumns = (a: ChangeColumns, b: ChangeColumns) =>
  CHANGE_COLUMNS.every(c => a[c] === b[c]);

/** A dora_change_environments row, in a form to compare. */
type EnvironmentRow = Record<string, number | string | boolean | null>;

/** The columns of dora_change_environments, in a fixed order. */
const ENVIRONMENT_COLUMNS = [
  ...FIRST_DEPLOYMENT_COLUMNS,
  'fallback',
  ...DURATION_COLUMNS,
];
const TEXT_COLUMNS = new Set([
  'environment',
  'service_ref',
  'commit_sha',
  'owner_ref',
]);

function comparableEnvironmentRow(
  row: Record<string, unknown>,
): EnvironmentRow {
  const out: EnvironmentRow = {};
  for (const c of ENVIRONMENT_COLUMNS) {
    const v = row[c];
    if (TEXT_COLUMNS.has(c)) out[c] = (v as string | null) ?? null;
    else if (c === 'squash_merge') out[c] = Boolean(Number(v));
    else out[c] = ms(v);
  }
  return out;
}

/** The rows of a change in dora_change_environments, comparable as a set. */
const environmentSignature = (rows: EnvironmentRow[]) =>
  JSON.stringify(
    [...rows]
      .sort((a, b) => (String(a.environment) < String(b.environment) ? -1 : 1))
      .map(r => ENVIRONMENT_COLUMNS.map(c => r[c])),
  );

/** One change being relinked. */
interface Relinked {
  key: string;
  service: string;
  sha: string;
  /** As stored before this batch (none: a new change). */
  stored?: DbChangeRow;
  /** Its event fields after this batch's events. */
  change: NewChange;
  /** Whether its production-tier link is recomputed (else kept). */
  production: boolean;
  id?: number;
}

/**
 * Updates changed rows of dora_changes in one statement: UPDATE ... FROM
 * the new values (PostgreSQL: one JSON value typed by the table's row
 * type; SQLite: a VALUES list), restricted by id so that it is a read by
 * key whatever the planner knows of the table. (A CASE per column, as
 * before, was planned anew for every statement and evaluated row by row.)
 */
async function updateChanges(
  trx: Knex.Transaction,
  updates: Array<{ id: number; columns: ChangeColumns }>,
) {
  const typeOf = (c: ChangeColumn) => {
    if (c === 'owner_ref') return 'VARCHAR(255)';
    if (c === 'squash_merge') return 'BOOLEAN';
    if (c === 'pr_number' || c === 'fallback' || c.endsWith('_bucket')) {
      return 'INTEGER';
    }
    return 'BIGINT';
  };
  if (!updates.length) return;
  if (isPostgres(trx)) {
    // The rows as one JSON value, typed by the table's row type.
    for (const part of chunks(updates, 5_000)) {
      await trx.raw(
        `UPDATE dora_changes AS c
            SET ${CHANGE_COLUMNS.map(col => `${col} = v.${col}`).join(', ')}
           FROM json_populate_recordset(NULL::dora_changes, ?::json) AS v
          WHERE c.id = v.id
            AND c.id = ANY(?::bigint[])`,
        [
          JSON.stringify(part.map(u => ({ id: u.id, ...u.columns }))),
          pgArray(part.map(u => u.id)),
        ],
      );
    }
    return;
  }
  const perRow = CHANGE_COLUMNS.length + 2;
  for (const part of chunks(updates, rowsPerStatement(perRow))) {
    const row = `(${['?', ...CHANGE_COLUMNS.map(() => '?')].join(', ')})`;
    const set = CHANGE_COLUMNS.map(
      c => `${c} = CAST(v.${c} AS ${typeOf(c)})`,
    ).join(', ');
    await trx.raw(
      `WITH v (id, ${CHANGE_COLUMNS.join(', ')}) AS (VALUES ${part
        .map(() => row)
        .join(', ')})
       UPDATE dora_changes SET ${set} FROM v
        WHERE dora_changes.id = CAST(v.id AS BIGINT)
          AND dora_changes.id IN (${part.map(() => '?').join(', ')})`,
      [
        ...part.flatMap(u => [u.id, ...CHANGE_COLUMNS.map(c => u.columns[c])]),
        ...part.map(u => u.id),
      ],
    );
  }
}

/**
 * Stores the batch's change events (`pending`: a change for a commit
 * already known fills in the fields it did not have, else it is inserted)
 * and relinks the changes of every commit the batch touched:
 *
 * - to the first successful production-tier deployment of its service that
 *   contains it (the default target: deployment id, finish time and owner
 *   at deploy time, durations and buckets), for the commits in
 *   `touched.production`;
 * - to its first successful deployment to each environment
 *   (dora_change_environments), for every touched commit;
 *
 * with both change histograms kept in step (each change's old cells out,
 * new ones in). Everything is read by key in a few statements (the changes,
 * the deployment commits, the deployments by id, the environment rows),
 * computed here, and only the rows that differ are written. Returns the
 * keys of the pending changes that were stored before.
 */
export async function relinkChanges(
  trx: Knex.Transaction,
  touched: BatchTouches,
  pending: PendingChanges = new Map(),
  now: number = Date.now(),
): Promise<Set<string>> {
  const storedBefore = new Set<string>();
  // The changes of the touched commits: every production-tier commit is
  // also an environment one.
  const stored = await selectByCommits<DbChangeRow>(
    trx,
    'dora_changes',
    touched.environments,
    ['*'],
  );
  const relinked = new Map<string, Relinked>();
  for (const row of stored) {
    const key = commitKey(row.service_ref, row.commit_sha);
    const event = pending.get(key);
    if (event) storedBefore.add(key);
    relinked.set(key, {
      key,
      service: row.service_ref,
      sha: row.commit_sha,
      stored: row,
      change: event
        ? mergeChange(toNewChange(row, event.index), event)
        : toNewChange(row, -1),
      production: Boolean(
        event || touched.production.get(row.service_ref)?.has(row.commit_sha),
      ),
      id: Number(row.id),
    });
  }
  for (const [key, change] of pending) {
    if (relinked.has(key)) continue;
    relinked.set(key, {
      key,
      service: change.serviceRef,
      sha: change.commitSha,
      change,
      production: true,
    });
  }
  // Commits without a change event yet: nothing to link.
  if (!relinked.size) return storedBefore;

  // The successful deployments shipping each change, from two reads by
  // key. (As one join, or a correlated ORDER BY ... LIMIT 1 per change,
  // PostgreSQL walked every production deployment for each change while
  // the tables had no statistics yet: a new install's first bursts.)
  const commits = new Map<string, Set<string>>();
  for (const r of relinked.values()) {
    if (!commits.has(r.service)) commits.set(r.service, new Set());
    commits.get(r.service)!.add(r.sha);
  }
  const shippedRows = await selectByCommits<{
    service_ref: string;
    commit_sha: string;
    deployment_id: number | string;
  }>(trx, 'dora_deployment_commits', commits, [
    'service_ref',
    'commit_sha',
    'deployment_id',
  ]);
  const deployments = new Map<number, Shipping>();
  // By id alone, status checked here: the key is the plan.
  for (const part of chunks(
    [...new Set(shippedRows.map(s => Number(s.deployment_id)))],
    MAX_BINDINGS,
  )) {
    const rows: DeploymentRow[] = await whereInList(
      trx('dora_deployments').select(
        'id',
        'finished_at',
        'owner_ref',
        'environment',
        'environment_tier',
        'status',
      ),
      'id',
      part,
      'bigint',
    );
    for (const d of rows) {
      if (d.status !== 'success') continue;
      deployments.set(Number(d.id), {
        id: Number(d.id),
        finishedAt: Number(d.finished_at),
        ownerRef: d.owner_ref,
        environment: d.environment,
        production: d.environment_tier === 'production',
      });
    }
  }
  const shipping = new Map<string, Shipping[]>();
  for (const s of shippedRows) {
    const d = deployments.get(Number(s.deployment_id));
    if (!d) continue;
    const key = commitKey(s.service_ref, s.commit_sha);
    if (!shipping.has(key)) shipping.set(key, []);
    shipping.get(key)!.push(d);
  }

  // The environment rows of the stored changes, by primary key.
  const storedIds = [...relinked.values()]
    .filter(r => r.id !== undefined)
    .map(r => r.id!);
  const environmentRows = new Map<number, EnvironmentRow[]>();
  for (const part of chunks(storedIds, MAX_BINDINGS)) {
    const rows: Array<Record<string, unknown>> = await whereInList(
      trx('dora_change_environments').select(ENVIRONMENT_COLUMNS),
      'change_id',
      part,
      'bigint',
    );
    for (const row of rows) {
      const r = comparableEnvironmentRow(row);
      const id = Number(r.change_id);
      if (!environmentRows.has(id)) environmentRows.set(id, []);
      environmentRows.get(id)!.push(r);
    }
  }

  const production = new ChangeHistogramDeltas(CHANGE_ROLLUPS.default);
  const perEnvironment = new ChangeHistogramDeltas(CHANGE_ROLLUPS.environment);

  // The default target: each change's first production deployment.
  const inserts: Array<{ r: Relinked; columns: ChangeColumns }> = [];
  const updates: Array<{ id: number; columns: ChangeColumns }> = [];
  for (const r of relinked.values()) {
    let columns: ChangeColumns;
    if (r.production) {
      let first: Shipping | undefined;
      for (const d of shipping.get(r.key) ?? []) {
        if (d.production && (!first || earlier(d, first))) first = d;
      }
      columns = linkedColumns(r.change, first);
    } else {
      columns = storedColumns(r.stored!);
    }
    if (!r.stored) {
      inserts.push({ r, columns });
      production.add(columns as any, 1);
    } else {
      const before = storedColumns(r.stored);
      if (!sameColumns(before, columns)) {
        updates.push({ id: r.id!, columns });
        production.add(before as any, -1);
        production.add(columns as any, 1);
      }
    }
  }
  const insertedIds = await insertRows<{
    id: number | string;
    service_ref: string;
    commit_sha: string;
  }>(
    trx,
    'dora_changes',
    inserts.map(({ r, columns }) => ({
      idempotency_key: r.change.idempotencyKey,
      service_ref: r.service,
      commit_sha: r.sha,
      source: r.change.source,
      created_at: now,
      ...columns,
    })),
    ['id', 'service_ref', 'commit_sha'],
  );
  for (const row of insertedIds) {
    relinked.get(commitKey(row.service_ref, row.commit_sha))!.id = Number(
      row.id,
    );
  }
  await updateChanges(trx, updates);

  // Every environment: each change's first deployment to each.
  const replaced: number[] = [];
  const environmentInserts: EnvironmentRow[] = [];
  for (const r of relinked.values()) {
    const first = new Map<string, Shipping>();
    for (const d of shipping.get(r.key) ?? []) {
      const seen = first.get(d.environment);
      if (!seen || earlier(d, seen)) first.set(d.environment, d);
    }
    const rows = [...first.values()].map(d =>
      comparableEnvironmentRow({
        change_id: r.id,
        environment: d.environment,
        service_ref: r.service,
        commit_sha: r.sha,
        deployment_id: d.id,
        deployed_at: d.finishedAt,
        owner_ref: d.ownerRef,
        authored_at: r.change.authoredAt,
        pr_opened_at: r.change.prOpenedAt,
        merged_at: r.change.mergedAt,
        squash_merge: r.change.squashMerge,
        ...valuesOf(r.change, d.finishedAt),
      }),
    );
    const before = environmentRows.get(r.id!) ?? [];
    if (environmentSignature(before) === environmentSignature(rows)) continue;
    if (before.length) replaced.push(r.id!);
    for (const row of before) perEnvironment.add(row as any, -1);
    for (const row of rows) perEnvironment.add(row as any, 1);
    environmentInserts.push(...rows);
  }
  for (const part of chunks(replaced, MAX_BINDINGS)) {
    await whereInList(
      trx('dora_change_environments'),
      'change_id',
      part,
      'bigint',
    ).delete();
  }
  await insertRows(trx, 'dora_change_environments', environmentInserts);

  await production.apply(trx);
  await perEnvironment.apply(trx);
  return storedBefore;
}

/** Later events fill fields the earlier ones did not know. */
export function mergeChange(a: NewChange, b: NewChange): NewChange {
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
