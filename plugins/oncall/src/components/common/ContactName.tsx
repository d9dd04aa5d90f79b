import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { OnCallContact } from '@internal/plugin-oncall-common';

/**
 * The person's name, linked to their catalog User when the source names
 * one the catalog has.
 */
export function ContactName({ contact }: { contact: OnCallContact }) {
  if (contact.userEntityRef && !contact.notInCatalog) {
    return (
      <EntityRefLink
        entityRef={contact.userEntityRef}
        title={contact.name}
        hideIcon
      />
    );
  }
  return <>{contact.name}</>;
}
