/*
 * What a golden-path run left on the embedded default: its repository, its
 * catalog entity, and what the stand-ins of ArgoCD, Vault and Kubernetes
 * hold for it. The browser suite and the CLI suite check the same traces.
 */
import fs from 'node:fs';
import path from 'node:path';
import { guestToken } from '../harness';

/** The embedded default's stand-ins (app-config.yaml, pavedRoad.standIns). */
export const standIns = {
  token: 'paved-road-dev-token',
  argocd: 'http://127.0.0.1:7011',
  vault: 'http://127.0.0.1:7012',
  kubernetes: 'http://127.0.0.1:7013',
};

/** What the traces of a service look like when nothing was written. */
export const nothingWritten = {
  repository: false,
  catalogEntity: false,
  argocdApplication: false,
  vaultPolicy: false,
  vaultRole: false,
  namespaceOwner: undefined,
  quota: false,
};

/** What the traces of a service look like when the golden path ran for `owner`. */
export function everythingWritten(owner: string) {
  return {
    repository: true,
    catalogEntity: true,
    argocdApplication: true,
    vaultPolicy: true,
    vaultRole: true,
    namespaceOwner: owner,
    quota: true,
  };
}

/**
 * The traces of the service `name`: its repository, its catalog entity, its
 * ArgoCD application, its Vault policy and role, and its namespace's owner
 * label and quota.
 */
export async function goldenPathTraces(
  name: string,
  portal: { baseUrl: string; bundleDir: string },
): Promise<Record<keyof typeof nothingWritten, unknown>> {
  const bearer = { Authorization: `Bearer ${standIns.token}` };
  const vaultToken = { 'X-Vault-Token': standIns.token };
  const found = async (url: string, headers: Record<string, string>) =>
    (await fetch(url, { headers })).ok;
  const namespace = await fetch(
    `${standIns.kubernetes}/api/v1/namespaces/${name}`,
    { headers: bearer },
  );
  return {
    repository: fs.existsSync(
      path.join(portal.bundleDir, '.data/repositories', `${name}.git`),
    ),
    catalogEntity: await found(
      `${portal.baseUrl}/api/catalog/entities/by-name/component/default/${name}`,
      { Authorization: `Bearer ${await guestToken(portal.baseUrl)}` },
    ),
    argocdApplication: await found(
      `${standIns.argocd}/api/v1/applications/${name}`,
      bearer,
    ),
    vaultPolicy: await found(
      `${standIns.vault}/v1/sys/policies/acl/${name}-read`,
      vaultToken,
    ),
    vaultRole: await found(
      `${standIns.vault}/v1/auth/kubernetes/role/${name}`,
      vaultToken,
    ),
    namespaceOwner: namespace.ok
      ? (await namespace.json()).metadata.labels?.['paved-road.io/owner']
      : undefined,
    quota: await found(
      `${standIns.kubernetes}/api/v1/namespaces/${name}/resourcequotas/paved-road-quota`,
      bearer,
    ),
  };
}
