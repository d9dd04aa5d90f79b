import { Knex } from 'knex';
import {
  CHANGE_ROLLUPS,
  ChangeHistogramDeltas,
  ChangeRollup,
} from '../rollups/changeRollups';
import { changeValues } from '../rollups/changeValues';
import { DbChangeRow, DbDeploymentRow } from '../../tables';
import { chunks, insertInChunks } from '../../util';
import { BatchTouches, CommitFilter, commitParts } from './BatchTouches';

/** What relinking reads of a change. */
type ChangeRow = Pick<
  DbChangeRow,
  | 'id'
  | 'service_ref'
  | 'commit_sha'
  | 'authored_at'
  | 'pr_opened_at'
  | 'merged_at'
  | 'squash_merge'
>;

/**
 * A change and one deployment that ships it (eligible for the target being
 * relinked; none: deploymentId null).
 */
interface FirstDeploymentCandidate {
  change: ChangeRow;
  changeId: number | string;
  deploymentId: number | string | null;
  finishedAt: number | string | null;
  ownerRef: string | null;
  environment: string | null;
}

/** `a` finished before `b` (ties: lower id first). */
const earlier = (a: FirstDeploymentCandidate, b: FirstDeploymentCandidate) =>
  (Number(a.finishedAt) - Number(b.finishedAt) ||
    Number(a.deploymentId) - Number(b.deploymentId)) < 0;

/**
 * Per change, its first candidate by finish time (ties: lower id), or
 * undefined when no eligible deployment ships it.
 */
function firstDeployments(
  candidates: FirstDeploymentCandidate[],
): Map<number, FirstDeploymentCandidate | undefined> {
  const first = new Map<number, FirstDeploymentCandidate | undefined>();
  for (const candidate of candidates) {
    const id = Number(candidate.changeId);
    const seen = first.get(id);
    if (candidate.deploymentId === null) {
      if (!first.has(id)) first.set(id, undefined);
    } else if (!seen || earlier(candidate, seen)) {
      first.set(id, candidate);
    }
  }
  return first;
}

/** A successful production deployment: the default target's. */
const inProduction = (d: DeploymentRow) =>
  d.environment_tier === 'production' && d.status === 'success';

/** A successful deployment to any environment. */
const succeeded = (d: DeploymentRow) => d.status === 'success';

/**
 * The changes of the part, each with every deployment that ships it and is
 * `eligible` (a change shipped by none: one candidate with deploymentId
 * null).
 */
async function candidatesOf(
  trx: Knex.Transaction,
  these: CommitFilter,
  eligible: (d: DeploymentRow) => boolean,
): Promise<FirstDeploymentCandidate[]> {
  const changes = await these(trx('dora_changes')).select<ChangeRow[]>(
    'id',
    'service_ref',
    'commit_sha',
    'authored_at',
    'pr_opened_at',
    'merged_at',
    'squash_merge',
  );
  const shipped = await these(trx('dora_deployment_commits')).select<
    Array<{ commit_sha: string; deployment_id: number | string }>
  >('commit_sha', 'deployment_id');
  const deployments = new Map<number, DeploymentRow>();
  for (const part of chunks([
    ...new Set(shipped.map(s => Number(s.deployment_id))),
  ])) {
    // By id alone, tier and status checked here: the key is the plan.
    for (const d of await trx('dora_deployments')
      .whereIn('id', part)
      .select<DeploymentRow[]>(
        'id',
        'finished_at',
        'owner_ref',
        'environment',
        'environment_tier',
        'status',
      )) {
      if (eligible(d)) {
        deployments.set(Number(d.id), d);
      }
    }
  }
  return changes.flatMap((change): FirstDeploymentCandidate[] => {
    const found: FirstDeploymentCandidate[] = shipped
      .filter(s => s.commit_sha === change.commit_sha)
      .map(s => deployments.get(Number(s.deployment_id)))
      .filter((d): d is DeploymentRow => d !== undefined)
      .map(d => ({
        change,
        changeId: change.id,
        deploymentId: d.id,
        finishedAt: d.finished_at,
        ownerRef: d.owner_ref,
        environment: d.environment,
      }));
    return found.length
      ? found
      : [
          {
            change,
            changeId: change.id,
            deploymentId: null,
            finishedAt: null,
            ownerRef: null,
            environment: null,
          },
        ];
  });
}

type DeploymentRow = Pick<
  DbDeploymentRow,
  | 'id'
  | 'finished_at'
  | 'owner_ref'
  | 'environment'
  | 'environment_tier'
  | 'status'
>;

/** The duration columns of `change` deployed at `deployedAt`. */
function valuesOf(change: ChangeRow, deployedAt: number | null) {
  const ms = (v: number | string | null) => (v === null ? null : Number(v));
  return changeValues({
    deployed_at: deployedAt,
    authored_at: Number(change.authored_at),
    pr_opened_at: ms(change.pr_opened_at),
    merged_at: ms(change.merged_at),
    squash_merge: Boolean(Number(change.squash_merge)),
  });
}

/** Relinks the changes of one part of the touched commits. */
type RelinkPart = (
  trx: Knex.Transaction,
  these: CommitFilter,
  deltas: ChangeHistogramDeltas,
) => Promise<void>;

/**
 * Points each touched change at the first successful production deployment
 * of its service that contains it, and copies that deployment's finish time
 * and owner (the owner at deploy time) onto it.
 */
const relinkToFirstProductionDeployment: RelinkPart = async (
  trx,
  these,
  deltas,
) => {
  const before = await deltas.countRows(trx, these, -1);
  // Commits without a change event yet: nothing to link.
  if (before.length === 0) return;
  // Each change's candidates, and the first picked here, from three reads
  // by key. As one correlated ORDER BY ... LIMIT 1 per change, or as one
  // join, PostgreSQL walked every production deployment for each change
  // while the tables had no statistics yet (a new install's first bursts).
  const candidates = await candidatesOf(trx, these, inProduction);
  const first = firstDeployments(candidates);
  // Each change's new link columns and durations (computed here: in SQL
  // their long CASE was planned anew for every part, ~15 ms each).
  const changeById = new Map(
    candidates.map(c => [Number(c.changeId), c.change]),
  );
  const columns = new Map(
    [...first.entries()].map(([id, d]) => {
      const change = changeById.get(id)!;
      const deployedAt = d ? Number(d.finishedAt) : null;
      return [
        id,
        {
          deployment_id: d ? Number(d.deploymentId) : null,
          deployed_at: deployedAt,
          owner_ref: d ? d.ownerRef : null,
          ...valuesOf(change, deployedAt),
        } as Record<string, Knex.Value>,
      ];
    }),
  );
  const ids = [...columns.keys()];
  // Typed: PostgreSQL reads an untyped parameter in a CASE as text.
  const caseOf = (column: string, type: 'BIGINT' | 'VARCHAR(255)') =>
    trx.raw(
      `CASE id ${ids
        .map(() => `WHEN ? THEN CAST(? AS ${type})`)
        .join(' ')} ELSE NULL END`,
      ids.flatMap(id => [id, columns.get(id)![column] ?? null]),
    );
  const set: Record<string, Knex.Raw> = {
    owner_ref: caseOf('owner_ref', 'VARCHAR(255)'),
  };
  for (const column of Object.keys(columns.get(ids[0])!)) {
    if (column !== 'owner_ref') set[column] = caseOf(column, 'BIGINT');
  }
  await trx('dora_changes').whereIn('id', ids).update(set);
  await deltas.countRows(trx, these, 1);
};

/**
 * Points each touched change at its first successful deployment to each
 * environment (dora_change_environments).
 */
const relinkToFirstDeploymentPerEnvironment: RelinkPart = async (
  trx,
  these,
  deltas,
) => {
  const candidates = await candidatesOf(trx, these, succeeded);
  // Commits without a change event: nothing to link.
  if (candidates.length === 0) return;
  const before = await deltas.countRows(trx, these, -1);
  if (before.length) {
    await these(trx('dora_change_environments')).delete();
  }
  const first = new Map<string, FirstDeploymentCandidate>();
  for (const c of candidates) {
    if (c.deploymentId === null) continue;
    const key = `${c.changeId} ${c.environment}`;
    const seen = first.get(key);
    if (!seen || earlier(c, seen)) first.set(key, c);
  }
  await insertInChunks(
    trx,
    'dora_change_environments',
    [...first.values()].map(c => ({
      change_id: Number(c.changeId),
      environment: c.environment,
      service_ref: c.change.service_ref,
      commit_sha: c.change.commit_sha,
      deployment_id: Number(c.deploymentId),
      deployed_at: Number(c.finishedAt),
      owner_ref: c.ownerRef,
      authored_at: c.change.authored_at,
      pr_opened_at: c.change.pr_opened_at,
      merged_at: c.change.merged_at,
      squash_merge: c.change.squash_merge,
      ...valuesOf(c.change, Number(c.finishedAt)),
    })),
    50,
  );
  await deltas.countRows(trx, these, 1);
};

/** Relinks the touched commits part by part, with the histogram in step. */
async function relinkWith(
  trx: Knex.Transaction,
  touched: Map<string, Set<string>>,
  rollup: ChangeRollup,
  relinkPart: RelinkPart,
) {
  const deltas = new ChangeHistogramDeltas(rollup);
  for (const these of commitParts(touched)) {
    await relinkPart(trx, these, deltas);
  }
  await deltas.apply(trx);
}

/**
 * Relinks the changes of the commits the batch touched: to their first
 * production-tier deployment (the default target), then to their first
 * deployment to each environment, each with its change histogram kept in
 * step.
 */
export async function relinkChanges(
  trx: Knex.Transaction,
  touched: BatchTouches,
) {
  await relinkWith(
    trx,
    touched.production,
    CHANGE_ROLLUPS.default,
    relinkToFirstProductionDeployment,
  );
  await relinkWith(
    trx,
    touched.environments,
    CHANGE_ROLLUPS.environment,
    relinkToFirstDeploymentPerEnvironment,
  );
}
