import { ConflictError, InputError } from '@backstage/errors';
import { globMatches } from '../../lib/glob';
import { ObjectState, stateFor } from '../../lib/outcome';
import { MANAGED_BY_LABEL, OWNER_LABEL } from './application';
import { ArgoCdObject } from './client';

type Destination = { server?: string; name?: string; namespace: string };

const isPavedRoads = (project: ArgoCdObject) =>
  project.metadata.labels?.[MANAGED_BY_LABEL] === 'paved-road';

const sameCluster = (a: Destination, b: Destination) =>
  b.server ? a.server === b.server : a.name === b.name;

/**
 * Refuses a repository outside the organisations the platform allows
 * (`pavedRoad.argocd.sourceRepos`, ArgoCD glob patterns), and paths that
 * climb out of one with "." or ".." segments.
 */
export function assertAllowedRepository(
  repoUrl: string,
  sourceRepos: string[],
) {
  const climbs = repoUrl
    .replace(/^[^:]+:\/\/[^/]+\//, '')
    .replace(/^git@[^:]+:/, '')
    .split('/')
    .some(segment => segment === '.' || segment === '..');
  if (climbs || !sourceRepos.some(pattern => globMatches(pattern, repoUrl))) {
    throw new InputError(
      sourceRepos.length
        ? `repoUrl "${repoUrl}" is not in an organisation the platform allows (pavedRoad.argocd.sourceRepos: ${sourceRepos.join(
            ', ',
          )}). Use the service's own repository there, or ask the platform team to allow its organisation.`
        : 'pavedRoad.argocd.sourceRepos lists no repositories, so no application may be registered. Ask the platform team to list the organisations applications may deploy from, e.g. "https://github.com/acme-freight/*".',
    );
  }
}

/**
 * The owner team's AppProject as Paved Road keeps it: sources are the
 * allowed organisations, destinations the team's namespaces (added one by
 * one as its services register), and no cluster-scoped kinds at all.
 */
export function teamProject(
  owner: string,
  sourceRepos: string[],
  destinations: Destination[],
): ArgoCdObject {
  return {
    metadata: {
      name: owner,
      labels: { [OWNER_LABEL]: owner, [MANAGED_BY_LABEL]: 'paved-road' },
    },
    spec: {
      description: `Applications of ${owner}, managed by Paved Road`,
      sourceRepos,
      destinations,
      clusterResourceWhitelist: [],
    },
  };
}

/**
 * Decides what the owner team's project needs for this destination: the
 * project to write (created, or updated with one more namespace) or nothing.
 * Refuses a project of that name Paved Road does not keep for the team, and
 * a namespace that is already another team's destination on that cluster.
 */
export function planTeamProject(options: {
  owner: string;
  sourceRepos: string[];
  destination: Destination;
  existing: ArgoCdObject | undefined;
  /** Every project on the instance, to find who else deploys there. */
  allProjects: ArgoCdObject[];
  where: string;
}): { state: ObjectState; project: ArgoCdObject } {
  const { owner, destination, existing, where } = options;
  if (
    existing &&
    (!isPavedRoads(existing) ||
      existing.metadata.labels?.[OWNER_LABEL] !== owner)
  ) {
    throw new ConflictError(
      `Project "${owner}" on ${where} exists but is not the project Paved Road keeps for team "${owner}" (labels ${MANAGED_BY_LABEL}=paved-road and ${OWNER_LABEL}=${owner}); it was not changed. Ask the platform team to hand it over or rename it.`,
    );
  }
  const holder = options.allProjects.find(
    project =>
      project.metadata.name !== owner &&
      (project.spec.destinations ?? []).some(
        (d: Destination) =>
          sameCluster(d, destination) && d.namespace === destination.namespace,
      ),
  );
  if (holder) {
    throw new ConflictError(
      `Namespace "${destination.namespace}" on ${
        destination.server ?? destination.name
      } is already a destination of project "${
        holder.metadata.name
      }" on ${where}; a team deploys only into namespaces of its own. Choose a namespace named after your service.`,
    );
  }
  const destinations: Destination[] = existing?.spec.destinations ?? [];
  const hasDestination = destinations.some(
    d => sameCluster(d, destination) && d.namespace === destination.namespace,
  );
  const wanted = teamProject(
    owner,
    options.sourceRepos,
    hasDestination ? destinations : [...destinations, destination],
  );
  const matches =
    existing !== undefined &&
    hasDestination &&
    JSON.stringify(existing.spec.sourceRepos) ===
      JSON.stringify(wanted.spec.sourceRepos) &&
    JSON.stringify(existing.spec.clusterResourceWhitelist ?? null) ===
      JSON.stringify(wanted.spec.clusterResourceWhitelist);
  return {
    state: stateFor(existing, matches),
    project: existing
      ? {
          ...existing,
          metadata: { ...existing.metadata, labels: wanted.metadata.labels },
          spec: { ...existing.spec, ...wanted.spec },
        }
      : wanted,
  };
}
