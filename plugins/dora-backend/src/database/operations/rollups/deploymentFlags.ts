import { Knex } from 'knex';
import { nonNegative, PROD_SUCCESS, Where } from './sql';

const HAS_INCIDENT = `EXISTS (SELECT 1 FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id)`;
/** Resolution of the last linked incident when all are resolved. */
const RESOLVED_AT = `(CASE WHEN ${HAS_INCIDENT} AND NOT EXISTS (
     SELECT 1 FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id AND i.resolved_at IS NULL)
   THEN (SELECT MAX(i.resolved_at) FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id) END)`;

/**
 * The two ways a deployment (alias d) is flagged: for the default target
 * (successful production-tier deployments, remedied anywhere in production)
 * and for a picked environment (any successful deployment, remedied in its
 * own environment), each in its own columns.
 */
const FLAG_TARGETS = [
  {
    prefix: '',
    eligible: PROD_SUCCESS,
    remedyIn: `r.environment_tier = 'production'`,
  },
  {
    prefix: 'env_',
    eligible: `d.status = 'success'`,
    remedyIn: 'r.environment = d.environment',
  },
];

/**
 * Sets the failure flags and recovery of the deployments `where` selects (all
 * when omitted; `d` is the alias), for both targets. Only eligible
 * deployments can fail; recovery is the earlier of the first remediation and
 * the resolution of the last linked incident.
 */
export async function refreshDeploymentFlags(
  knex: Knex,
  where?: Where,
): Promise<void> {
  const set: Record<string, Knex.Raw> = {};
  for (const { prefix, eligible, remedyIn } of FLAG_TARGETS) {
    const hasRemedy = (kind: 'rollback' | 'hotfix') =>
      `EXISTS (SELECT 1 FROM dora_deployments r WHERE r.remediates_deployment_id = d.id
         AND r.kind = '${kind}' AND r.status = 'success' AND ${remedyIn})`;
    const remediedAt = `(SELECT MIN(r.finished_at) FROM dora_deployments r
       WHERE r.remediates_deployment_id = d.id AND r.status = 'success' AND ${remedyIn})`;
    const flag = (cond: string) =>
      knex.raw(`CASE WHEN ${eligible} AND ${cond} THEN 1 ELSE 0 END`);
    const failed = `(${HAS_INCIDENT} OR ${hasRemedy('rollback')} OR ${hasRemedy(
      'hotfix',
    )})`;
    set[`${prefix}failed_by_incident`] = flag(HAS_INCIDENT);
    set[`${prefix}failed_by_rollback`] = flag(hasRemedy('rollback'));
    set[`${prefix}failed_by_hotfix`] = flag(hasRemedy('hotfix'));
    set[`${prefix}recovered_at`] = knex.raw(
      `CASE WHEN NOT (${eligible} AND ${failed}) THEN NULL
            WHEN ${remediedAt} IS NULL THEN ${RESOLVED_AT}
            WHEN ${RESOLVED_AT} IS NULL OR ${remediedAt} < ${RESOLVED_AT} THEN ${remediedAt}
            ELSE ${RESOLVED_AT} END`,
    );
  }
  const q = knex('dora_deployments as d').update(set);
  if (where) where(q);
  await q;
  // A second pass: SQLite does not see the new recovered_at in the same UPDATE.
  const recovery = (prefix: string) =>
    knex.raw(
      `CASE WHEN d.${prefix}recovered_at IS NULL THEN NULL ELSE ${nonNegative(
        `d.${prefix}recovered_at`,
        'd.finished_at',
      )} END`,
    );
  const q2 = knex('dora_deployments as d').update({
    recovery_ms: recovery(''),
    env_recovery_ms: recovery('env_'),
  });
  if (where) where(q2);
  await q2;
}
