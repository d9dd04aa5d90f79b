import {
  ArgoCdDouble,
  KubernetesDouble,
  seedWorkload,
} from '@internal/platform-api-doubles';

/**
 * What ArgoCD would do after registration: once the destination namespace
 * exists (the golden path provisions it after registering the app), "sync"
 * the application by running its workload in the Kubernetes stand-in and
 * mark it Synced and Healthy. One pass; the caller repeats it.
 */
export function syncApplications(
  argocd: ArgoCdDouble,
  kubernetes: KubernetesDouble,
) {
  for (const app of argocd.applications.values()) {
    const namespace = app.spec?.destination?.namespace;
    if (
      app.status?.sync?.status === 'Synced' ||
      !namespace ||
      !kubernetes.get('v1', 'Namespace', namespace)
    ) {
      continue;
    }
    seedWorkload(kubernetes, { name: app.metadata.name, namespace });
    app.status = {
      sync: { status: 'Synced', revision: app.spec.source?.targetRevision },
      health: { status: 'Healthy' },
    };
  }
}
