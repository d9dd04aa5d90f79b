import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Trigger an incident on a component: its on-call source pages whoever is on
 * call for it. A resource permission on the catalog entity so that a policy
 * can allow, say, only its owners and the platform team; `create` because
 * it creates an incident at the source.
 *
 * @public
 */
export const onCallIncidentTriggerPermission = createPermission({
  name: 'oncall.incident.trigger',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** @public */
export const onCallPermissions = [onCallIncidentTriggerPermission];
