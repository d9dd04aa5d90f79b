import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * The form in which Paved Road stores and compares entity refs: the full ref
 * (`kind:namespace/name`) in lower case, since Backstage compares refs
 * case-insensitively. A string is parsed first, with `context` filling in a
 * missing kind or namespace; a string that is not a ref throws. For a string
 * that is already a full ref this is the string in lower case.
 */
export function entityRefKey(
  ref: Entity | CompoundEntityRef | string,
  context?: { defaultKind?: string; defaultNamespace?: string },
): string {
  return stringifyEntityRef(
    typeof ref === 'string' ? parseEntityRef(ref, context) : ref,
  ).toLocaleLowerCase('en-US');
}
