import { CompoundEntityRef, makeValidator } from '@backstage/catalog-model';

const validators = makeValidator();

/**
 * The first part of `ref` no catalog entity can have (the catalog's naming
 * rules: letters, digits, "-", "_" and ".", at most 63 characters), or
 * undefined when every part is valid. Lets an API refuse such a ref with a
 * reason instead of sending it to the catalog, whose client fails on some.
 */
export function invalidEntityRefPart(
  ref: CompoundEntityRef,
): 'kind' | 'namespace' | 'name' | undefined {
  if (!validators.isValidKind(ref.kind)) return 'kind';
  if (!validators.isValidNamespace(ref.namespace)) return 'namespace';
  if (!validators.isValidEntityName(ref.name)) return 'name';
  return undefined;
}
