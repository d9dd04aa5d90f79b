/**
 * Paved Road's access control: the production permission policy and the
 * catalog check on registering and unregistering locations.
 *
 * @packageDocumentation
 */
export {
  default,
  permissionModulePavedRoadPolicy,
  catalogModuleLocationOwnership,
} from './module';
export { PavedRoadPermissionPolicy } from './policy';
export type { PavedRoadPolicyOptions } from './policy';
export { readAccessConfig } from './config';
export type { AccessConfig } from './config';
