/**
 * HTTP doubles of the external APIs Paved Road talks to, served on loopback
 * so the real clients (fetch, @kubernetes/client-node) run against real
 * status codes and bodies in tests and in local stand-ins.
 *
 * @packageDocumentation
 */
export { HttpDouble, closedPortUrl } from './httpDouble';
export type {
  DoubleHandler,
  DoubleResponse,
  RecordedRequest,
} from './httpDouble';
export {
  KubernetesDouble,
  kubernetesStatus,
  seedWorkload,
} from './kubernetesDouble';
export { ArgoCdDouble } from './argoCdDouble';
export { VaultDouble } from './vaultDouble';
export { GitHubDouble } from './gitHubDouble';
export { GitHubOAuthDouble } from './gitHubOAuthDouble';
