import { globMatches } from '../../lib/glob';
import { ArgoCdObject } from './client';

/** Deletes the app's resources when the app is deleted. Spelled exactly so. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
export const OWNER_LABEL = 'paved-road.io/owner';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

export interface ApplicationSpecInput {
  name: string;
  appNamespace?: string;
  project: string;
  repoUrl: string;
  path: string;
  targetRevision: string;
  destination: { server?: string; name?: string; namespace: string };
  owner?: string;
  labels?: Record<string, string>;
  automated: boolean;
  prune: boolean;
  selfHeal: boolean;
  createNamespace: boolean;
  retryLimit: number;
}

/** The Application we want ArgoCD to hold, built only from validated input. */
export function desiredApplication(input: ApplicationSpecInput): ArgoCdObject {
  const destination = input.destination.server
    ? {
        server: input.destination.server,
        namespace: input.destination.namespace,
      }
    : { name: input.destination.name, namespace: input.destination.namespace };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: input.name,
      ...(input.appNamespace ? { namespace: input.appNamespace } : {}),
      labels: {
        ...input.labels,
        ...(input.owner ? { [OWNER_LABEL]: input.owner } : {}),
        [MANAGED_BY_LABEL]: 'paved-road',
      },
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: input.project,
      source: {
        repoURL: input.repoUrl,
        path: input.path,
        targetRevision: input.targetRevision,
      },
      destination,
      syncPolicy: {
        ...(input.automated
          ? { automated: { prune: input.prune, selfHeal: input.selfHeal } }
          : {}),
        syncOptions: input.createNamespace ? ['CreateNamespace=true'] : [],
        retry: {
          limit: input.retryLimit,
          backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
        },
      },
    },
  };
}

/** A new project scoped to exactly this application's repo and destination. */
export function desiredProject(
  name: string,
  app: ArgoCdObject,
  owner?: string,
): ArgoCdObject {
  return {
    metadata: {
      name,
      labels: {
        ...(owner ? { [OWNER_LABEL]: owner } : {}),
        [MANAGED_BY_LABEL]: 'paved-road',
      },
    },
    spec: {
      description: owner ? `Applications of ${owner}` : `Project ${name}`,
      sourceRepos: [app.spec.source.repoURL],
      destinations: [app.spec.destination],
    },
  };
}

/**
 * What an existing project would refuse about this application, in words an
 * operator can act on; empty when the project permits it.
 */
export function projectRefusals(
  project: ArgoCdObject,
  app: ArgoCdObject,
): string[] {
  const refusals: string[] = [];
  const repos: string[] = project.spec.sourceRepos ?? [];
  const repo = app.spec.source.repoURL;
  if (!repos.some(pattern => globMatches(pattern, repo))) {
    refusals.push(
      `source repository ${repo} is not in its sourceRepos (${
        repos.join(', ') || 'none'
      })`,
    );
  }
  const destinations: Array<Record<string, string>> =
    project.spec.destinations ?? [];
  const dest = app.spec.destination;
  const permitted = destinations.some(
    d =>
      globMatches(d.namespace, dest.namespace) &&
      (dest.server
        ? globMatches(d.server, dest.server)
        : globMatches(d.name, dest.name)),
  );
  if (!permitted) {
    const allowed = destinations
      .map(d => `${d.server ?? d.name}/${d.namespace}`)
      .join(', ');
    refusals.push(
      `destination ${dest.server ?? dest.name}/${
        dest.namespace
      } is not in its destinations (${allowed || 'none'})`,
    );
  }
  return refusals;
}

/** The UI page of an application (apps in any namespace have a namespaced path). */
export function applicationUiUrl(
  uiUrl: string,
  name: string,
  appNamespace?: string,
) {
  return appNamespace
    ? `${uiUrl}/applications/${appNamespace}/${name}`
    : `${uiUrl}/applications/${name}`;
}
