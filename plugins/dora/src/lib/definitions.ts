import { DoraFigures, DoraTarget } from '@internal/plugin-dora-common';

/**
 * The exact metric definitions, as implemented by the dora backend (its
 * README, "Metric definitions"). Shown beside each figure so that nobody has
 * to guess what a number means.
 */
export const PRODUCTION_DEPLOYMENT =
  'A production deployment is a successful deployment to a production-tier environment; failed deployment jobs and staging, development or other tiers never count. Windows are [from, to) in UTC.';

export const DEFINITIONS = {
  deploymentFrequency:
    'Successful production deployments finished in the window, divided by its length in days (per day) and × 7 (per week). Deployment days = distinct UTC days with at least one.',
  leadTime:
    "Per commit: from the commit's start to the finish of the first production deployment of the same service that contains it. Start = authored time, or PR-open time for a squash merge (counted as a fallback). Commits first deployed in the window count; never-deployed ones do not. Median and p90 by linear interpolation. Stages are medians over the commits that have the timestamps: coding = start → PR opened, review = PR opened → merged, waiting to deploy = merged → deployed.",
  changeFailureRate:
    'Production deployments in the window that needed intervention — an incident linked to them, or a successful production rollback or hotfix that remediates them — over production deployments in the window. A deployment sent without a kind that goes back to a commit older than the one live in its environment is an inferred rollback of the deployment it replaced.',
  recoveryTime:
    "DORA 2023+ definition: for each failed deployment, from its finish to recovery = the earlier of the first remediating deployment's finish and the resolution of its last linked incident (only when all are resolved). Median over recovered ones. Secondary figure: incidents opened in the window, open → resolved median.",
  reworkRate:
    'Production deployments in the window of kind hotfix or rollback (unplanned fixes, inferred rollbacks included) over production deployments in the window. DORA publishes no cut-offs for it, so it has no level.',
  incidentLinks:
    "Incidents are linked to a deployment by, in order: an explicit link in the event, a rollback of the deployment while the incident was open, else the same service's latest production deployment within the configured window before the incident opened. Never across services.",
} as const;

export const LEVEL_NOTE =
  'Levels use the DORA performance clusters as cut-offs; below a minimum sample (5 deployments, 5 changes, 3 recovered failed deployments) a figure says "Insufficient data" instead of a level.';

/** The deployments the figures count, for sentences after a count. */
export function deploymentsOf(target: DoraTarget, count: number): string {
  const noun = count === 1 ? 'deployment' : 'deployments';
  return 'environment' in target
    ? `${noun} to ${target.environment}`
    : `production ${noun}`;
}

/** "1 day", "3 days". */
export function daysOf(count: number): string {
  return `${count} ${count === 1 ? 'day' : 'days'}`;
}

/** Where the figures' deployments went, for sentences. */
export function targetPlace(target: DoraTarget): string {
  return 'environment' in target
    ? `the environment ${target.environment}`
    : 'production-tier environments';
}

/** How the definitions below read for the target (backend README, "Target"). */
export function targetDefinition(target: DoraTarget): string {
  if (!('environment' in target)) {
    return `${PRODUCTION_DEPLOYMENT} Pick an environment to count one environment instead.`;
  }
  const env = target.environment;
  return `Only the environment ${env} counts: read "production deployment" below as "successful deployment to ${env}", whatever its tier. Lead time runs to the first deployment to ${env} that contains the commit; a deployment fails through an incident linked to it or a rollback or hotfix deployed to ${env}; incidents count when linked to a deployment in ${env}. Unlinked incidents cannot be placed in an environment and are left out; incidents are linked to non-production deployments only explicitly.`;
}

/** No deployment, change or incident in the window: nothing to show. */
export function isEmptyFigures(f: DoraFigures): boolean {
  return (
    f.deploymentFrequency.deployments === 0 &&
    f.leadTime.changes === 0 &&
    f.recoveryTime.failedDeployments === 0 &&
    f.recoveryTime.incidents.opened === 0
  );
}
