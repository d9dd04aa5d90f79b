import { InputError } from '@backstage/errors';
import { DNS1123_LABEL } from '../../lib/names';

/** One segment of a mount path from app-config: no glob, quote, space or "..". */
const MOUNT_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9_.-]+$/;

/** Built into Vault: writing these would change every token, or fail. */
export const RESERVED_POLICIES = [
  'root',
  'default',
  'response-wrapping',
  'control-group',
];

/**
 * Whom Paved Road wrote a policy for. Vault keeps no metadata on an ACL
 * policy but stores and returns its text verbatim, so the mark is the
 * policy's first line, an HCL comment:
 * `# Managed by Paved Road: service=<service> owner=<team>` (no `owner=`
 * when the platform team ran the action without an owner).
 */
export interface PavedRoadMark {
  service: string;
  owner?: string;
}

const MARK_HEADER = /^#\s*Managed\s+by\s+Paved\s+Road:(.*)$/;
const MARK_FIELD = /^([a-z]+)=(.*)$/;

const isLabel = (value: string) =>
  DNS1123_LABEL.test(value) && value.length <= 63;

export function markLine({ service, owner }: PavedRoadMark): string {
  return `# Managed by Paved Road: service=${service}${
    owner ? ` owner=${owner}` : ''
  }`;
}

/**
 * The mark in the policy's first non-blank line; `undefined` when there is
 * none or it is malformed, which reads as "not written by Paved Road".
 */
export function readMark(policy: string): PavedRoadMark | undefined {
  const header = policy
    .split(/\r?\n/)
    .map(line => line.trim())
    .find(Boolean);
  const match = header?.match(MARK_HEADER);
  if (!match) {
    return undefined;
  }
  const fields: Record<string, string> = {};
  for (const field of match[1].trim().split(/\s+/)) {
    const [, key, value] = field.match(MARK_FIELD) ?? [];
    if (key) {
      fields[key] = value;
    }
  }
  const { service, owner } = fields;
  if (
    !service ||
    !isLabel(service) ||
    (owner !== undefined && !isLabel(owner))
  ) {
    return undefined;
  }
  return owner === undefined ? { service } : { service, owner };
}

/** Whether two marks name the same service and the same team (or both none). */
export function sameMark(a: PavedRoadMark, b: PavedRoadMark): boolean {
  return a.service === b.service && a.owner === b.owner;
}

/**
 * The least-privilege ACL policy of one service, marked as Paved Road's:
 * read its KV v2 secrets and read/list their metadata, under
 * `<kvMount>/…/<service>/`, nothing wider. Service and owner are checked
 * again here (not only in the input schema) because a "*", "+", quote or
 * newline in them would widen the policy or break out of the path or the
 * comment.
 */
export function servicePolicy(kvMount: string, mark: PavedRoadMark): string {
  for (const [what, value] of Object.entries(mark)) {
    if (value !== undefined && !isLabel(value)) {
      throw new InputError(
        `Refusing to generate a Vault policy for ${what} "${value}": not an RFC 1123 label.`,
      );
    }
  }
  if (!kvMount.split('/').every(segment => MOUNT_SEGMENT.test(segment))) {
    throw new InputError(
      `Refusing to generate a Vault policy under kvMount "${kvMount}": a mount path is letters, digits, "_", "-", "." and "/" only (check pavedRoad.vault.servers in app-config).`,
    );
  }
  const { service } = mark;
  return [
    markLine(mark),
    `path "${kvMount}/data/${service}/*" {`,
    `  capabilities = ["read"]`,
    `}`,
    ``,
    `path "${kvMount}/metadata/${service}/*" {`,
    `  capabilities = ["read", "list"]`,
    `}`,
    ``,
  ].join('\n');
}

/**
 * The policy text without whitespace outside string literals, so a policy
 * Vault (or a person) re-indented still compares equal to the generated one,
 * while `"a b"` and `"ab"` stay different.
 */
export function normalizePolicy(text: string): string {
  let normalized = '';
  let inString = false;
  let escaped = false;
  for (const char of text) {
    if (inString) {
      normalized += char;
      if (escaped) {
        escaped = false;
      } else if (char === '\\') {
        escaped = true;
      } else if (char === '"') {
        inString = false;
      }
    } else if (char === '"') {
      inString = true;
      normalized += char;
    } else if (!/\s/.test(char)) {
      normalized += char;
    }
  }
  return normalized;
}

export function samePolicy(a: string, b: string): boolean {
  return normalizePolicy(a) === normalizePolicy(b);
}
