import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

const validators = makeValidator();

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
  if (!validators.isValidKind(parsed.kind)) {
    throw new Error(`kind '${parsed.kind}' is not valid`);
  }
  if (!validators.isValidNamespace(parsed.namespace)) {
    throw new Error(`namespace '${parsed.namespace}' is not valid`);
  }
  if (!validators.isValidEntityName(parsed.name)) {
    throw new Error(
      `name '${parsed.name}' is not valid (letters, digits, "-", "_" and ".", at most 63 characters)`,
    );
  }
  return stringifyEntityRef(parsed);
}
