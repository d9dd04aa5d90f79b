import { InputError } from '@backstage/errors';
import { DNS1123_LABEL } from '../../lib/names';

/** One segment of a mount path from app-config: no glob, quote, space or "..". */
const MOUNT_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9_.-]+$/;

/**
 * The least-privilege ACL policy of one service: read its KV v2 secrets and
 * read/list their metadata, under `<kvMount>/…/<service>/`, nothing wider.
 * The service is checked again here (not only in the input schema) because
 * a "*", "+" or quote in it would widen the policy or break out of the path.
 */
export function servicePolicy(kvMount: string, service: string): string {
  if (!DNS1123_LABEL.test(service) || service.length > 63) {
    throw new InputError(
      `Refusing to generate a Vault policy for service "${service}": not an RFC 1123 label.`,
    );
  }
  if (!kvMount.split('/').every(segment => MOUNT_SEGMENT.test(segment))) {
    throw new InputError(
      `Refusing to generate a Vault policy under kvMount "${kvMount}": a mount path is letters, digits, "_", "-", "." and "/" only (check pavedRoad.vault.servers in app-config).`,
    );
  }
  return [
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
export function normalisePolicy(text: string): string {
  let normalised = '';
  let inString = false;
  let escaped = false;
  for (const char of text) {
    if (inString) {
      normalised += char;
      if (escaped) {
        escaped = false;
      } else if (char === '\\') {
        escaped = true;
      } else if (char === '"') {
        inString = false;
      }
    } else if (char === '"') {
      inString = true;
      normalised += char;
    } else if (!/\s/.test(char)) {
      normalised += char;
    }
  }
  return normalised;
}

export function samePolicy(a: string, b: string): boolean {
  return normalisePolicy(a) === normalisePolicy(b);
}
