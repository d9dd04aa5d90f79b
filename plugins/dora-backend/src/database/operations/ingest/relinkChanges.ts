import { Knex } from 'knex';
import { insertChangeEnvironments } from '../rollups/changeEnvironments';
import {
  CHANGE_ROLLUPS,
  ChangeHistogramDeltas,
  ChangeRollup,
} from '../rollups/changeRollups';
import { refreshChangeValues } from '../rollups/changeValues';
import { DbDeploymentRow } from '../../tables';
import { chunks } from '../../util';
import { BatchTouches, CommitFilter, commitParts } from './BatchTouches';

/** A change and one successful production deployment that ships it. */
interface FirstDeploymentCandidate {
  changeId: number | string;
  deploymentId: number | string | null;
  finishedAt: number | string | null;
  ownerRef: string | null;
}

/**
 * Per change, its first candidate by finish time (ties: lower id), or
 * undefined when no successful production deployment ships it.
 */
function firstDeployments(
  candidates: FirstDeploymentCandidate[],
): Map<number, FirstDeploymentCandidate | undefined> {
  const first = new Map<number, FirstDeploymentCandidate | undefined>();
  const before = (a: FirstDeploymentCandidate, b: FirstDeploymentCandidate) =>
    Number(a.finishedAt) - Number(b.finishedAt) ||
    Number(a.deploymentId) - Number(b.deploymentId);
  for (const candidate of candidates) {
    const id = Number(candidate.changeId);
    const seen = first.get(id);
    if (candidate.deploymentId === null) {
      if (!first.has(id)) first.set(id, undefined);
    } else if (!seen || before(candidate, seen) < 0) {
      first.set(id, candidate);
    }
  }
  return first;
}

/**
 * The changes of the part, each with every successful production
 * deployment that ships it (a change shipped by none: one candidate with
 * deploymentId null).
 */
async function candidatesOf(
  trx: Knex.Transaction,
  these: CommitFilter,
): Promise<FirstDeploymentCandidate[]> {
  const changes = await these(trx('dora_changes')).select<
    Array<{ id: number | string; commit_sha: string }>
  >('id', 'commit_sha');
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
        'environment_tier',
        'status',
      )) {
      if (d.environment_tier === 'production' && d.status === 'success') {
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
        changeId: change.id,
        deploymentId: d.id,
        finishedAt: d.finished_at,
        ownerRef: d.owner_ref,
      }));
    return found.length
      ? found
      : [
          {
            changeId: change.id,
            deploymentId: null,
            finishedAt: null,
            ownerRef: null,
          },
        ];
  });
}

type DeploymentRow = Pick<
  DbDeploymentRow,
  'id' | 'finished_at' | 'owner_ref' | 'environment_tier' | 'status'
>;

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
  // Commits without a change event yet: nothing to link, and the
  // value refresh below is costly to plan (its bucket SQL is long).
  if (before.length === 0) return;
  // Each change's candidates, and the first picked here, from three reads
  // by key. As one correlated ORDER BY ... LIMIT 1 per change, or as one
  // join, PostgreSQL walked every production deployment for each change
  // while the tables had no statistics yet (a new install's first bursts).
  const candidates = await candidatesOf(trx, these);
  const first = firstDeployments(candidates);
  const ids = [...first.keys()];
  // Typed: PostgreSQL reads an untyped parameter in a CASE as text.
  const caseOf = (
    type: 'BIGINT' | 'VARCHAR(255)',
    pick: (d: FirstDeploymentCandidate) => Knex.Value,
  ) =>
    trx.raw(
      `CASE id ${ids
        .map(() => `WHEN ? THEN CAST(? AS ${type})`)
        .join(' ')} ELSE NULL END`,
      ids.flatMap(id => {
        const d = first.get(id);
        return [id, d ? pick(d) : null];
      }),
    );
  await trx('dora_changes')
    .whereIn('id', ids)
    .update({
      deployment_id: caseOf('BIGINT', d => d.deploymentId),
      deployed_at: caseOf('BIGINT', d => d.finishedAt),
      owner_ref: caseOf('VARCHAR(255)', d => d.ownerRef),
    });
  await refreshChangeValues(trx, q => {
    these(q);
  });
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
  // Commits without a change event: nothing to link.
  if (!(await these(trx('dora_changes')).first('id'))) return;
  const before = await deltas.countRows(trx, these, -1);
  if (before.length) {
    await these(trx('dora_change_environments')).delete();
  }
  await insertChangeEnvironments(trx, q => {
    these(q, 'c.');
  });
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
