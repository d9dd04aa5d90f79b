import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { globMatches } from './glob';

/**
 * Namespaces the cluster, the platform and the portal itself run in. A team
 * that could name one of these could deploy into it, bind a Vault role to
 * its service accounts or take it over, so every namespace-like input of
 * every action (and the golden paths' service name) is checked against this
 * list. `pavedRoad.reservedNamespaces` adds to it; it never replaces it.
 */
export const DEFAULT_RESERVED_NAMESPACES = [
  'default',
  'kube-*',
  'openshift',
  'openshift-*',
  // The platform's own components.
  'argocd',
  'argo-*',
  'vault',
  'vault-*',
  'cert-manager',
  'ingress-*',
  'monitoring',
  'logging',
  'istio-system',
  'istio-*',
  'linkerd',
  'linkerd-*',
  'flux-system',
  'gatekeeper-system',
  'kyverno',
  'external-secrets',
  'external-dns',
  'velero',
  // The portal.
  'backstage',
  'paved-road',
  'paved-road-*',
];

/**
 * Label keys only Kubernetes, its admission controllers or Paved Road itself
 * may set: `pod-security.kubernetes.io/enforce: privileged` in a team's input
 * would switch off the namespace's pod security.
 */
const RESERVED_LABEL_PREFIX =
  /^([a-z0-9.-]+\.)?(kubernetes\.io|k8s\.io|paved-road\.io)\//;
/** Kubernetes' recommended labels are for everyone, but managed-by is ours. */
const SHARED_LABEL = /^app\.kubernetes\.io\/(?!managed-by$)/;

export class ReservedNames {
  private constructor(private readonly patterns: string[]) {}

  static fromConfig(config: Config): ReservedNames {
    const extra =
      config.getOptionalStringArray('pavedRoad.reservedNamespaces') ?? [];
    return new ReservedNames([...DEFAULT_RESERVED_NAMESPACES, ...extra]);
  }

  /** The pattern a name matches, if it is reserved. */
  reservedBy(name: string): string | undefined {
    return this.patterns.find(pattern => globMatches(pattern, name));
  }

  /**
   * Refuses a reserved name in `field`; `what` says what the name becomes
   * (a namespace, a service), so the message tells the user what to change.
   */
  assertAllowed(name: string | undefined, field: string) {
    if (name === undefined) {
      return;
    }
    const pattern = this.reservedBy(name);
    if (pattern) {
      throw new InputError(
        `${field} "${name}" is reserved for the cluster or the platform (it matches "${pattern}" in pavedRoad.reservedNamespaces); choose a name of your service's own, e.g. "orders-service".`,
      );
    }
  }
}

/** Refuses label keys under a prefix reserved for Kubernetes or Paved Road. */
export function assertNoReservedLabels(
  labels: Record<string, string>,
  field = 'labels',
) {
  const reserved = Object.keys(labels).filter(
    key => RESERVED_LABEL_PREFIX.test(key) && !SHARED_LABEL.test(key),
  );
  if (reserved.length) {
    throw new InputError(
      `${field} ${reserved
        .map(key => `"${key}"`)
        .join(
          ', ',
        )} use a prefix reserved for Kubernetes and Paved Road (kubernetes.io/, k8s.io/, paved-road.io/, except app.kubernetes.io/ names other than managed-by); the action sets those itself. Remove them, or use a prefix of your team's own.`,
    );
  }
}
