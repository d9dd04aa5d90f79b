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

/**
 * Dry-run a checks file across the whole catalog (`POST /checks/dry-run`):
 * it reads every entity the checks apply to and calls GitHub and TechDocs
 * for each, so it is for the platform engineers who author checks, not for
 * every reader. No action attribute: a policy that allows reads wholesale
 * does not allow this by accident.
 *
 * @public
 */
export const scorecardCheckDryRunPermission = createPermission({
  name: 'scorecard.check.dryRun',
  attributes: {},
});

/** @public */
export const scorecardPermissions = [
  scorecardReadPermission,
  scorecardWaiverCreatePermission,
  scorecardCheckDryRunPermission,
];

/**
 * Re-exported so that the scorecard packages can read permission decisions
 * without each depending on the permission library.
 *
 * @public
 */
export { AuthorizeResult } from '@backstage/plugin-permission-common';
