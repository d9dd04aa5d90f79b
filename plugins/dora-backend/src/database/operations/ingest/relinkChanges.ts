import { Knex } from 'knex';
import { insertChangeEnvironments } from '../rollups/changeEnvironments';
import {
  CHANGE_ROLLUPS,
  ChangeHistogramDeltas,
  ChangeRollup,
} from '../rollups/changeRollups';
import { refreshChangeValues } from '../rollups/changeValues';
import { BatchTouches, CommitFilter, commitParts } from './BatchTouches';

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
  await these(trx('dora_changes')).update({
    deployment_id: trx.raw(
      `(SELECT d.id FROM dora_deployment_commits dc
         JOIN dora_deployments d ON d.id = dc.deployment_id
        WHERE dc.service_ref = dora_changes.service_ref
          AND dc.commit_sha = dora_changes.commit_sha
          AND d.environment_tier = 'production'
          AND d.status = 'success'
        ORDER BY d.finished_at ASC, d.id ASC
        LIMIT 1)`,
    ),
  });
  await these(trx('dora_changes')).update({
    deployed_at: trx.raw(
      '(SELECT d.finished_at FROM dora_deployments d WHERE d.id = dora_changes.deployment_id)',
    ),
    owner_ref: trx.raw(
      '(SELECT d.owner_ref FROM dora_deployments d WHERE d.id = dora_changes.deployment_id)',
    ),
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
