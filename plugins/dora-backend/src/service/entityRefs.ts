import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { invalidEntityRefPart } from '@internal/paved-road-node';

/**
 * Parses an entity ref (kind and namespace defaulted) and checks each part
 * against the catalog's naming rules, so a ref no entity can have is refused
 * with a reason instead of travelling to the catalog (whose client fails on
 * some of them). Returns the normalized ref; throws an Error saying what is
 * wrong.
 */
export function normalizeEntityRef(ref: string, defaultKind: string): string {
  const parsed = parseEntityRef(ref, {
    defaultKind,
    defaultNamespace: 'default',
  });
  const invalid = invalidEntityRefPart(parsed);
  if (invalid === 'name') {
    throw new Error(
      `name '${parsed.name}' is not valid (letters, digits, "-", "_" and ".", at most 63 characters)`,
    );
  }
  if (invalid) {
    throw new Error(`${invalid} '${parsed[invalid]}' is not valid`);
  }
  return stringifyEntityRef(parsed);
}
