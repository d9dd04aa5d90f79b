/**
 * Local stand-ins for ArgoCD, Vault, Kubernetes and a git server, and the
 * catalog setting local repositories need, for the embedded default only.
 *
 * @packageDocumentation
 */
export { scaffolderModuleDevStandIns as default } from './module';
export { catalogModuleLocalRepositories } from './catalogModule';
