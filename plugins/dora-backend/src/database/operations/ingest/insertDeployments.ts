import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { DAY_MS } from '@internal/paved-road-common';
import { toDbDeployment } from '../../conversion';
import { DbDeploymentCommitRow } from '../../tables';
import { NewDeployment } from '../../types';
import { insertRows } from '../../util';
import { BatchTouches } from './BatchTouches';
import { EventResults, filterNew, findDeployment } from './lookups';

/**
 * Stores the batch's new deployments with their commits and remediation
 * links, noting what they touch: their commits to relink, the remediated
 * deployments to reflag, their days to refresh, the production histories
 * whose inferred rollbacks to recompute.
 */
export async function insertDeployments(
  trx: Knex.Transaction,
  deployments: NewDeployment[],
  results: EventResults,
  touched: BatchTouches,
  now: number,
) {
  const newDeployments = await filterNew(
    trx,
    'dora_deployments',
    deployments,
    results,
  );
  const inserted = await insertRows<{
    id: number | string;
    idempotency_key: string;
  }>(
    trx,
    'dora_deployments',
    newDeployments.map(d => toDbDeployment(d, now)),
    ['id', 'idempotency_key'],
  );
  const deploymentIds = new Map(
    inserted.map(r => [r.idempotency_key, Number(r.id)]),
  );
  const commitRows: DbDeploymentCommitRow[] = [];
  for (const d of newDeployments) {
    const id = deploymentIds.get(d.idempotencyKey)!;
    // A new deployment's flags start right (nothing points at it yet;
    // a remediation or incident in this batch touches it below): only
    // its day's counts change.
    if (d.status === 'success') {
      touched.staleDays.add(Math.floor(d.finishedAt / DAY_MS));
    }
    // It changes the history inferred rollbacks are read from.
    if (d.environmentTier === 'production' && d.status === 'success') {
      touched.history(d.serviceRef, d.environment, d.finishedAt);
    }
    const shas = new Set(d.commits);
    if (d.commitSha) shas.add(d.commitSha);
    for (const sha of shas) {
      commitRows.push({
        deployment_id: id,
        service_ref: d.serviceRef,
        commit_sha: sha,
      });
      if (d.environmentTier === 'production' && d.status === 'success') {
        touched.commit(d.serviceRef, sha);
      } else if (d.status === 'success') {
        touched.commitInEnvironment(d.serviceRef, sha);
      }
    }
    if (d.remediates) {
      const target = await findDeployment(trx, d.serviceRef, d.remediates);
      if (!target || target === id) {
        throw new InputError(
          `events[${d.index}].remediates: no deployment '${d.remediates}' of ${d.serviceRef}`,
        );
      }
      await trx('dora_deployments')
        .where('id', id)
        .update({ remediates_deployment_id: target });
      touched.deployments.add(target);
    }
    results.set(d.index, 'created');
  }
  await insertRows(trx, 'dora_deployment_commits', commitRows);
}
