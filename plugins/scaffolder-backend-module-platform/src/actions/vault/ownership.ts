import { ConflictError } from '@backstage/errors';
import { VaultRole } from './client';
import { PavedRoadMark, RESERVED_POLICIES, readMark, sameMark } from './hcl';

/** An existing object the action would write, as the user should read it. */
export interface ExistingObject {
  /** e.g. `Policy "orders-service-read"`. */
  object: string;
  /** e.g. `Vault "prod"`. */
  where: string;
  /** The input that names it, to suggest another name. */
  field: 'policyName' | 'roleName';
  /** How one tells it is not Paved Road's. */
  unmarked: string;
}

const whose = ({ service, owner }: PavedRoadMark) =>
  `service "${service}" of ${owner ? `team "${owner}"` : 'no team'}`;

/**
 * Refuses to write over an existing object unless Paved Road wrote it for
 * the same service and team (`found` is its mark): someone else's policy or
 * role is never rewritten, nor one team's re-bound for another.
 */
export function assertOwned(
  found: PavedRoadMark | undefined,
  wanted: PavedRoadMark,
  { object, where, field, unmarked }: ExistingObject,
): void {
  if (!found) {
    throw new ConflictError(
      `${object} already exists on ${where} and was not created by Paved Road (${unmarked}), so it is left as it is; nothing was written. Choose another ${field}, or ask the platform team to adopt it.`,
    );
  }
  if (!sameMark(found, wanted)) {
    throw new ConflictError(
      `${object} on ${where} was created by Paved Road for ${whose(
        found,
      )}, not for ${whose(
        wanted,
      )}; it is only ever updated for the same service and team, so nothing was written. Choose another ${field}, or ask the platform team to hand it over.`,
    );
  }
}

/**
 * The mark that decides who owns a Kubernetes auth role. Vault keeps no
 * free metadata on such a role, so it is Paved Road's when it binds a
 * Paved Road policy, and belongs to that policy's service and team; among
 * several, one that differs from `wanted` wins, so it is refused.
 */
export async function roleMark(
  role: VaultRole,
  wanted: PavedRoadMark,
  readPolicy: (name: string) => Promise<string | undefined>,
): Promise<PavedRoadMark | undefined> {
  const bound = Array.isArray(role.token_policies)
    ? [...new Set(role.token_policies.map(String))]
    : [];
  const marks: PavedRoadMark[] = [];
  for (const name of bound) {
    // Built-in policies never carry a mark; skip the calls.
    const text = RESERVED_POLICIES.includes(name)
      ? undefined
      : await readPolicy(name);
    const mark = text === undefined ? undefined : readMark(text);
    if (mark) {
      marks.push(mark);
    }
  }
  return marks.find(mark => !sameMark(mark, wanted)) ?? marks[0];
}
