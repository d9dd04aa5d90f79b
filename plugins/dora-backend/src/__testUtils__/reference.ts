import { Knex } from 'knex';

/**
 * The reference implementation: plain SQL over the raw tables, ignoring the
 * denormalized columns (`dora_changes.deployment_id/deployed_at`) and the
 * incremental linking the store does at ingestion. Tests compare the store's
 * figures with these on generated data sets.
 */
export async function referenceFigures(
  knex: Knex,
  options: { from: number; to: number; serviceRef?: string },
) {
  const { from, to, serviceRef } = options;
  const svc = serviceRef ? 'AND d.service_ref = ?' : '';
  const svcArgs = serviceRef ? [serviceRef] : [];

  const deployments = await knex.raw(
    `SELECT d.id, d.finished_at, d.kind
       FROM dora_deployments d
      WHERE d.environment_tier = 'production' AND d.status = 'success'
        AND d.finished_at >= ? AND d.finished_at < ? ${svc}`,
    [from, to, ...svcArgs],
  );
  const rows: any[] = deployments.rows ?? deployments;

  const incidents = await knex.raw(
    `SELECT caused_by_deployment_id AS id, opened_at, resolved_at FROM dora_incidents`,
  );
  const remedies = await knex.raw(
    `SELECT remediates_deployment_id AS id, finished_at FROM dora_deployments
      WHERE remediates_deployment_id IS NOT NULL AND status = 'success'
        AND environment_tier = 'production'`,
  );
  const incidentRows: any[] = incidents.rows ?? incidents;
  const remedyRows: any[] = remedies.rows ?? remedies;

  const failed: Array<{ finishedAt: number; recoveredAt: number | null }> = [];
  for (const d of rows) {
    const linked = incidentRows.filter(i => Number(i.id) === Number(d.id));
    const fixes = remedyRows.filter(r => Number(r.id) === Number(d.id));
    if (!linked.length && !fixes.length) continue;
    const candidates: number[] = fixes.map(f => Number(f.finished_at));
    if (linked.length && linked.every(i => i.resolved_at !== null)) {
      candidates.push(Math.max(...linked.map(i => Number(i.resolved_at))));
    }
    failed.push({
      finishedAt: Number(d.finished_at),
      recoveredAt: candidates.length ? Math.min(...candidates) : null,
    });
  }

  // Lead time: each change's first successful production deployment that
  // lists it, found by joining the raw tables.
  const svcC = serviceRef ? 'AND c.service_ref = ?' : '';
  const lead = await knex.raw(
    `SELECT c.id, c.authored_at, c.pr_opened_at, c.squash_merge,
            MIN(d.finished_at) AS deployed_at
       FROM dora_changes c
       JOIN dora_deployment_commits dc
         ON dc.service_ref = c.service_ref AND dc.commit_sha = c.commit_sha
       JOIN dora_deployments d
         ON d.id = dc.deployment_id AND d.environment_tier = 'production'
        AND d.status = 'success'
      WHERE 1 = 1 ${svcC}
      GROUP BY c.id, c.authored_at, c.pr_opened_at, c.squash_merge
     HAVING MIN(d.finished_at) >= ? AND MIN(d.finished_at) < ?`,
    [...svcArgs, from, to],
  );
  const leadRows: any[] = lead.rows ?? lead;
  const leadTimes = leadRows
    .map(r => {
      const squash = Boolean(Number(r.squash_merge)) || r.squash_merge === true;
      const start =
        squash && r.pr_opened_at !== null
          ? Number(r.pr_opened_at)
          : Number(r.authored_at);
      return Math.max(0, Number(r.deployed_at) - start);
    })
    .sort((a, b) => a - b);

  return {
    deployments: rows.length,
    deploymentDays: new Set(
      rows.map(r => Math.floor(Number(r.finished_at) / 86_400_000)),
    ).size,
    unplanned: rows.filter(r => r.kind !== 'regular').length,
    failed: failed.length,
    recoveries: failed
      .filter(f => f.recoveredAt !== null)
      .map(f => Math.max(0, f.recoveredAt! - f.finishedAt))
      .sort((a, b) => a - b),
    leadTimes,
  };
}
