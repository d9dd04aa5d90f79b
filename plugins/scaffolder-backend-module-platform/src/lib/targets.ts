import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** An ArgoCD server the actions may register applications on. */
export interface ArgoCdInstance {
  name: string;
  /** Normalized API base, e.g. https://argocd.example.com (no trailing slash, no /api/v1). */
  url: string;
  uiUrl: string;
  token: string;
  /**
   * Whether applications may go into the project "default", which in a
   * stock ArgoCD permits every repository, destination and cluster-scoped
   * kind. Off unless the instance's config says so.
   */
  allowDefaultProject: boolean;
}

export interface VaultServer {
  name: string;
  address: string;
  namespace?: string;
  token: string;
  kubernetesAuthMount: string;
  kvMount: string;
}

export interface KubernetesCluster {
  name: string;
  url: string;
  serviceAccountToken: string;
  caData?: string;
  skipTLSVerify: boolean;
}

/** Strips trailing slashes and an `/api/v1` suffix people paste from the docs. */
export function normalizeBaseUrl(url: string): string {
  let normalized = url.trim().replace(/\/+$/, '');
  normalized = normalized.replace(/\/api\/v1$/, '');
  return normalized.replace(/\/+$/, '');
}

function trimSlashes(path: string) {
  return path.replace(/^\/+|\/+$/g, '');
}

export function readArgoCdInstances(config: Config): ArgoCdInstance[] {
  return (
    config.getOptionalConfigArray('pavedRoad.argocd.instances') ?? []
  ).map(c => {
    const url = normalizeBaseUrl(c.getString('url'));
    return {
      name: c.getString('name'),
      url,
      uiUrl: normalizeBaseUrl(c.getOptionalString('uiUrl') ?? url),
      token: c.getString('token'),
      allowDefaultProject: c.getOptionalBoolean('allowDefaultProject') ?? false,
    };
  });
}

export function readVaultServers(config: Config): VaultServer[] {
  return (config.getOptionalConfigArray('pavedRoad.vault.servers') ?? []).map(
    c => ({
      name: c.getString('name'),
      address: normalizeBaseUrl(c.getString('address')).replace(/\/v1$/, ''),
      namespace: c.getOptionalString('namespace'),
      token: c.getString('token'),
      kubernetesAuthMount: trimSlashes(
        c.getOptionalString('kubernetesAuthMount') ?? 'kubernetes',
      ),
      kvMount: trimSlashes(c.getOptionalString('kvMount') ?? 'secret'),
    }),
  );
}

export function readKubernetesClusters(config: Config): KubernetesCluster[] {
  return (
    config.getOptionalConfigArray('pavedRoad.kubernetes.clusters') ?? []
  ).map(c => ({
    name: c.getString('name'),
    url: normalizeBaseUrl(c.getString('url')),
    serviceAccountToken: c.getString('serviceAccountToken'),
    caData: c.getOptionalString('caData'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
  }));
}

/**
 * Finds the configured target a template names. An unknown name is refused:
 * silently falling back to another server could write to the wrong place.
 */
export function pickTarget<T extends { name: string }>(
  targets: T[],
  name: string,
  what: string,
): T {
  const target = targets.find(t => t.name === name);
  if (!target) {
    const known = targets.map(t => `"${t.name}"`).join(', ');
    throw new InputError(
      known
        ? `Unknown ${what} "${name}". Configured: ${known}.`
        : `Unknown ${what} "${name}": none is configured (see pavedRoad in app-config).`,
    );
  }
  return target;
}
