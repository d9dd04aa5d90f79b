import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read scorecard results (entity scores, teams, history).
 *
 * @public
 */
export const scorecardReadPermission = createPermission({
  name: 'scorecard.read',
  attributes: { action: 'read' },
});

/**
 * Grant a waiver (exemption) for a check on a catalog entity. A resource
 * permission on the entity so that a policy can allow, say, only the owners.
 *
 * @public
 */
export const scorecardWaiverCreatePermission = createPermission({
  name: 'scorecard.waiver.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/** @public */
export const scorecardPermissions = [
  scorecardReadPermission,
  scorecardWaiverCreatePermission,
];

/**
 * Re-exported so that the scorecard packages can read permission decisions
 * without each depending on the permission library.
 *
 * @public
 */
export { AuthorizeResult } from '@backstage/plugin-permission-common';
