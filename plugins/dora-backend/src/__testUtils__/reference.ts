import { Knex } from 'knex';
import { WindowSummary } from '../database/types';
import { percentile } from '../lib/figures';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const rowsOf = (result: any): any[] => result.rows ?? result;
const truthy = (v: unknown) => v === true || Number(v) === 1;

/** A rollback inferred from the deployment history, by the reference. */
interface InferredRollback {
  /** The deployment it rolled back; null: not a rollback. */
  target: number | null;
  environment: string;
  finishedAt: number;
}

/**
 * Rollbacks inferred from the deployment history (README, "Inferred
 * rollbacks"), from the raw rows, ignoring what the store inferred: for
 * every successful production-tier deployment whose event sent no kind,
 * the deployment it rolled back or null. One pass over each service's
 * history in each environment, in order (finish, then idempotency key): a
 * deployment rolls back its predecessor when its commit was first deployed
 * there before the predecessor's.
 */
async function inferredRollbacks(
  knex: Knex,
): Promise<Map<number, InferredRollback>> {
  const histories = new Map<string, any[]>();
  for (const d of rowsOf(
    await knex.raw(
      `SELECT id, idempotency_key, service_ref, environment, finished_at,
              commit_sha, kind_declared
         FROM dora_deployments
        WHERE environment_tier = 'production' AND status = 'success'`,
    ),
  )) {
    const key = JSON.stringify([d.service_ref, d.environment]);
    if (!histories.has(key)) histories.set(key, []);
    histories.get(key)!.push(d);
  }
  const out = new Map<number, InferredRollback>();
  for (const history of histories.values()) {
    history.sort((a, b) => {
      const byFinish = Number(a.finished_at) - Number(b.finished_at);
      if (byFinish) return byFinish;
      if (a.idempotency_key === b.idempotency_key) return 0;
      return a.idempotency_key < b.idempotency_key ? -1 : 1;
    });
    // Where each commit was first deployed in the history.
    const first = new Map<string, number>();
    history.forEach((d, i) => {
      if (d.commit_sha !== null && !first.has(d.commit_sha)) {
        first.set(d.commit_sha, i);
      }
      if (truthy(d.kind_declared)) return;
      const live = i > 0 ? history[i - 1] : undefined;
      const older =
        live !== undefined &&
        d.commit_sha !== null &&
        live.commit_sha !== null &&
        first.get(d.commit_sha)! < first.get(live.commit_sha)!;
      out.set(Number(d.id), {
        target: older ? Number(live.id) : null,
        environment: d.environment,
        finishedAt: Number(d.finished_at),
      });
    });
  }
  return out;
}

/**
 * The reference implementation: plain SQL over the raw tables, ignoring the
 * denormalized columns (`dora_changes.deployment_id/deployed_at/owner_ref`),
 * the derived ones and the rollups the store maintains at ingestion. Tests
 * and `yarn bench:dora` compare the store's summary with this one.
 *
 * With `environment`, every "production-tier deployment" below reads
 * "successful deployment to that environment" (by name, any tier), and only
 * incidents linked to a deployment in it count.
 *
 * A deployment's kind and remediation are the ones its event sent
 * (`kind_declared`); else it is a rollback as inferredRollbacks() finds, or
 * regular. The store's own inference (`rollback_inferred`, and the `kind`
 * and `remediates_deployment_id` it wrote) is not read.
 */
export async function referenceSummary(
  knex: Knex,
  options: {
    from: number;
    to: number;
    serviceRef?: string;
    ownerRefs?: string[];
    environment?: string;
    weekly?: boolean;
  },
): Promise<WindowSummary> {
  const { from, to, serviceRef, ownerRefs, environment } = options;
  // The deployments that count, as SQL on a dora_deployments alias.
  const counted = (alias: string) =>
    environment === undefined
      ? { sql: `${alias}.environment_tier = 'production'`, args: [] }
      : { sql: `${alias}.environment = ?`, args: [environment] };
  const scope = (alias: string) => {
    if (serviceRef)
      return { sql: `AND ${alias}.service_ref = ?`, args: [serviceRef] };
    if (ownerRefs) {
      return {
        sql: ownerRefs.length
          ? `AND ${alias}.owner_ref IN (${ownerRefs.map(() => '?').join(', ')})`
          : 'AND 1 = 0',
        args: ownerRefs,
      };
    }
    return { sql: '', args: [] };
  };

  const inferred = await inferredRollbacks(knex);
  const kindOf = (r: any): string => {
    if (truthy(r.kind_declared)) return r.kind;
    const target = inferred.get(Number(r.id))?.target ?? null;
    return target === null ? 'regular' : 'rollback';
  };

  const d = scope('d');
  const dc = counted('d');
  const deployments = rowsOf(
    await knex.raw(
      `SELECT d.id, d.finished_at, d.kind, d.kind_declared
         FROM dora_deployments d
        WHERE ${dc.sql} AND d.status = 'success'
          AND d.finished_at >= ? AND d.finished_at < ? ${d.sql}`,
      [...dc.args, from, to, ...d.args],
    ),
  );

  // Incidents and remediations by the deployment they point at.
  const incidentsBy = new Map<number, any[]>();
  for (const i of rowsOf(
    await knex.raw(
      `SELECT caused_by_deployment_id AS id, resolved_at FROM dora_incidents
        WHERE caused_by_deployment_id IS NOT NULL`,
    ),
  )) {
    incidentsBy.set(Number(i.id), [
      ...(incidentsBy.get(Number(i.id)) ?? []),
      i,
    ]);
  }
  const remediesBy = new Map<number, any[]>();
  const remedy = (id: number, r: { kind: string; finished_at: number }) =>
    remediesBy.set(id, [...(remediesBy.get(id) ?? []), r]);
  const rc = counted('r');
  for (const r of rowsOf(
    await knex.raw(
      `SELECT r.remediates_deployment_id AS id, r.kind, r.kind_declared,
              r.finished_at
         FROM dora_deployments r
        WHERE r.remediates_deployment_id IS NOT NULL AND r.status = 'success'
          AND ${rc.sql}`,
      rc.args,
    ),
  )) {
    if (truthy(r.kind_declared)) remedy(Number(r.id), r);
  }
  // Inferred rollbacks are production-tier, in the environment of what they
  // roll back.
  for (const r of inferred.values()) {
    if (
      r.target !== null &&
      (environment === undefined || r.environment === environment)
    ) {
      remedy(r.target, { kind: 'rollback', finished_at: r.finishedAt });
    }
  }

  const weeks = options.weekly
    ? Math.max(1, Math.ceil((to - from) / WEEK_MS))
    : 0;
  const weekOf = (at: number) => Math.floor((at - from) / WEEK_MS);
  const weekly = Array.from({ length: weeks }, () => ({
    deployments: 0,
    failed: 0,
    lead: [] as number[],
  }));

  let failed = 0;
  let byIncident = 0;
  let byRollback = 0;
  let byHotfix = 0;
  const recoveries: number[] = [];
  for (const dep of deployments) {
    const finished = Number(dep.finished_at);
    const linked = incidentsBy.get(Number(dep.id)) ?? [];
    const fixes = remediesBy.get(Number(dep.id)) ?? [];
    const rolledBack = fixes.some(f => f.kind === 'rollback');
    const hotfixed = fixes.some(f => f.kind === 'hotfix');
    const isFailed = linked.length > 0 || rolledBack || hotfixed;
    if (weeks) {
      weekly[weekOf(finished)].deployments++;
      if (isFailed) weekly[weekOf(finished)].failed++;
    }
    if (!isFailed) continue;
    failed++;
    if (linked.length) byIncident++;
    if (rolledBack) byRollback++;
    if (hotfixed) byHotfix++;
    const candidates: number[] = fixes.map(f => Number(f.finished_at));
    if (linked.length && linked.every(i => i.resolved_at !== null)) {
      candidates.push(Math.max(...linked.map(i => Number(i.resolved_at))));
    }
    if (candidates.length) {
      recoveries.push(Math.max(0, Math.min(...candidates) - finished));
    }
  }

  // Lead time: each change's first successful production deployment (or
  // deployment to the environment) that lists it (earliest finish, then
  // lowest id), found by joining the raw tables; its owner is that
  // deployment's.
  const c = scope('c');
  const first = scope('x');
  const jc = counted('d');
  const changes = rowsOf(
    await knex.raw(
      `SELECT * FROM (
         SELECT c.authored_at, c.pr_opened_at, c.merged_at, c.squash_merge,
                d.finished_at AS deployed_at, d.owner_ref, d.service_ref,
                ROW_NUMBER() OVER (PARTITION BY c.id ORDER BY d.finished_at, d.id) AS rn
           FROM dora_changes c
           JOIN dora_deployment_commits dc
             ON dc.service_ref = c.service_ref AND dc.commit_sha = c.commit_sha
           JOIN dora_deployments d
             ON d.id = dc.deployment_id AND ${jc.sql}
            AND d.status = 'success'
          WHERE 1 = 1 ${serviceRef ? c.sql : ''}
       ) x
       WHERE x.rn = 1 AND x.deployed_at >= ? AND x.deployed_at < ?
         ${serviceRef ? '' : first.sql}`,
      [
        ...jc.args,
        ...(serviceRef ? c.args : []),
        from,
        to,
        ...(serviceRef ? [] : first.args),
      ],
    ),
  );
  const lead: number[] = [];
  const coding: number[] = [];
  const review: number[] = [];
  const waiting: number[] = [];
  let fallbacks = 0;
  for (const r of changes) {
    const deployed = Number(r.deployed_at);
    const authored = Number(r.authored_at);
    const opened = r.pr_opened_at === null ? null : Number(r.pr_opened_at);
    const merged = r.merged_at === null ? null : Number(r.merged_at);
    const fallback = truthy(r.squash_merge) && opened !== null;
    if (fallback) fallbacks++;
    const total = Math.max(0, deployed - (fallback ? opened! : authored));
    lead.push(total);
    if (weeks) weekly[weekOf(deployed)].lead.push(total);
    if (!fallback && opened !== null)
      coding.push(Math.max(0, opened - authored));
    if (opened !== null && merged !== null)
      review.push(Math.max(0, merged - opened));
    if (merged !== null) waiting.push(Math.max(0, deployed - merged));
  }
  lead.sort((a, b) => a - b);

  const i = scope('i');
  const linked =
    environment === undefined
      ? { sql: '', args: [] }
      : {
          sql: `AND i.caused_by_deployment_id IN
                  (SELECT l.id FROM dora_deployments l WHERE l.environment = ?)`,
          args: [environment],
        };
  const incidents = rowsOf(
    await knex.raw(
      `SELECT i.opened_at, i.resolved_at FROM dora_incidents i
        WHERE i.opened_at >= ? AND i.opened_at < ? ${i.sql} ${linked.sql}`,
      [from, to, ...i.args, ...linked.args],
    ),
  );
  const resolved = incidents
    .filter(r => r.resolved_at !== null)
    .map(r => Math.max(0, Number(r.resolved_at) - Number(r.opened_at)));

  return {
    deployments: deployments.length,
    deploymentDays: new Set(
      deployments.map(r => Math.floor(Number(r.finished_at) / DAY_MS)),
    ).size,
    unplanned: deployments.filter(r => kindOf(r) !== 'regular').length,
    failed,
    failedByIncident: byIncident,
    failedByRollback: byRollback,
    failedByHotfix: byHotfix,
    recovered: recoveries.length,
    recoveryMedianMs: median(recoveries),
    changes: lead.length,
    prOpenFallbacks: fallbacks,
    leadMedianMs: percentile(lead, 0.5),
    leadP90Ms: percentile(lead, 0.9),
    codingMedianMs: median(coding),
    reviewMedianMs: median(review),
    waitingMedianMs: median(waiting),
    incidentsOpened: incidents.length,
    incidentsResolved: resolved.length,
    incidentMedianMs: median(resolved),
    weekly: weekly.map(w => ({
      deployments: w.deployments,
      failed: w.failed,
      leadMedianMs: median(w.lead),
    })),
  };
}
