import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Sending deployment, change and incident events to the DORA ingestion API.
 * Checked for user principals; service principals are authorized by the
 * `dora.ingestion.allowedSubjects` config instead.
 *
 * @public
 */
export const doraEventsCreatePermission = createPermission({
  name: 'dora.events.create',
  attributes: { action: 'create' },
});

/** @public */
export const doraPermissions = [doraEventsCreatePermission];
