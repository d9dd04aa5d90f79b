import { PortalClient } from './PortalClient';

export interface SignedInUser {
  /** user:<namespace>/<name>, when the token names a user. */
  userRef?: string;
  /** The user and the groups they are in (the token's `ent` claim). */
  ownershipRefs: string[];
}

/** The claims of a JWT, unverified: the portal verifies, the CLI only reads. */
export function decodeJwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) {
    return {};
  }
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return claims && typeof claims === 'object' ? claims : {};
  } catch {
    return {};
  }
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every(v => typeof v === 'string')
    ? value
    : undefined;
}

/**
 * Who the token signs in as, and their groups. Tokens carry the groups in
 * their `ent` claim only where `auth.omitIdentityTokenOwnershipClaim` is
 * false (it defaults to true since auth-backend 0.24); otherwise the auth
 * backend's userinfo endpoint has them.
 */
export async function signedInUser(
  portal: PortalClient,
): Promise<SignedInUser> {
  const claims = decodeJwtClaims(await portal.getToken());
  const userRef = typeof claims.sub === 'string' ? claims.sub : undefined;
  let ent = stringArray(claims.ent);
  if (!ent && userRef?.startsWith('user:')) {
    const response = await portal.request('/api/auth/v1/userinfo');
    if (response.ok) {
      const info = (await response.json()) as { claims?: { ent?: unknown } };
      ent = stringArray(info.claims?.ent);
    }
  }
  return { userRef, ownershipRefs: ent ?? (userRef ? [userRef] : []) };
}
