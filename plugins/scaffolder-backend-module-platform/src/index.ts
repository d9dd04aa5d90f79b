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
