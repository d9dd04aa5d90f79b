/**
 * Paved Road scaffolder actions: ArgoCD application registration, Vault
 * policy and Kubernetes namespace provisioning.
 *
 * @packageDocumentation
 */
export { scaffolderModulePlatform as default } from './module';
export {
  goldenPathWritePermission,
  namespaceAdoptPermission,
  goldenPathPermissions,
  goldenPathConditions,
  createGoldenPathConditionalDecision,
  OWNER_TEAM_RESOURCE_TYPE,
  ownerTeamRules,
} from './access/permissions';
export type { OwnerTeam } from './access/permissions';

// What the embedded default's dev-only actions (git:repository:publish and
// catalog:location:register, in plugins/scaffolder-backend-module-dev-stand-ins)
// share with these actions, so they check input, reserved names and outcomes
// the same way.
export {
  dns1123Label,
  matching,
  parseInput,
  type FieldSchemas,
  type InputOf,
  type Zod,
} from './lib/validation';
export { GIT_REVISION, REPO_PATH } from './lib/names';
export { stateFor, type ObjectState } from './lib/outcome';
export { ReservedNames } from './lib/reserved';
