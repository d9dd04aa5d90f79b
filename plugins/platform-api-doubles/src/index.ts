/**
 * HTTP doubles of the external APIs Paved Road talks to, served on loopback
 * so the real clients (fetch, @kubernetes/client-node) run against real
 * status codes and bodies in tests and in local stand-ins: Kubernetes,
 * ArgoCD, Vault, GitHub (REST and OAuth sign-in) and PagerDuty (REST API v2,
 * and v3 webhooks signed as PagerDuty signs them).
 *
 * @packageDocumentation
 */
export { HttpDouble, closedPortUrl } from './httpDouble';
export type {
  DoubleHandler,
  DoubleOutage,
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
export {
  PagerDutyDouble,
  pagerDutyIncidentEvent,
  postPagerDutyWebhook,
  signPagerDutyWebhook,
} from './pagerDutyDouble';
export type {
  PagerDutyEscalationPolicySeed,
  PagerDutyIncident,
  PagerDutyIncidentEventType,
  PagerDutyIncidentStatus,
  PagerDutyScheduleSeed,
  PagerDutyServiceSeed,
  PagerDutyUserSeed,
  PagerDutyWebhookPayload,
} from './pagerDutyDouble';
