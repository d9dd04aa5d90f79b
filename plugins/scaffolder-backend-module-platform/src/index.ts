/**
 * Paved Road scaffolder actions: ArgoCD application registration, Vault
 * policy and Kubernetes namespace provisioning.
 *
 * @packageDocumentation
 */
export { scaffolderModulePlatform as default } from './module';
