import { differences } from '../../lib/compare';
import { VaultRole } from './client';

/** Durations the action accepts: whole seconds, minutes or hours. */
export const DURATION = /^\d+[smh]$/;

const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * Seconds of a duration as we write it ("1h") or as Vault returns it (3600);
 * `undefined` for anything else, which then compares as different.
 */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string') {
    const match = value.trim().match(/^(\d+)([smh]?)$/);
    if (match) {
      return Number(match[1]) * unitSeconds[match[2] || 's'];
    }
  }
  return undefined;
}

export interface RoleInput {
  serviceAccount: string;
  namespace: string;
  policyName: string;
  tokenTtl: string;
  tokenMaxTtl: string;
  audience?: string;
}

/**
 * The Kubernetes auth role binding the service account to the policy, with
 * the current field names (`token_policies`, `token_ttl`, `token_max_ttl`),
 * never the deprecated `policies`/`ttl`. `audience` is always sent, empty
 * when not wanted, so an audience set earlier does not linger.
 */
export function desiredRole(input: RoleInput): VaultRole {
  return {
    bound_service_account_names: [input.serviceAccount],
    bound_service_account_namespaces: [input.namespace],
    token_policies: [input.policyName],
    token_ttl: input.tokenTtl,
    token_max_ttl: input.tokenMaxTtl,
    audience: input.audience ?? '',
  };
}

/** Comparable form: Vault returns ttls as seconds and omits an empty audience. */
function comparable(role: VaultRole): VaultRole {
  return {
    ...role,
    token_ttl: durationSeconds(role.token_ttl),
    token_max_ttl: durationSeconds(role.token_max_ttl),
    audience: role.audience ?? '',
  };
}

/** The role fields that differ between what we want and what Vault holds. */
export function roleDifferences(desired: VaultRole, existing: VaultRole) {
  return differences(comparable(desired), comparable(existing));
}
