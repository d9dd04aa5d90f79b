/**
 * The PagerDuty on-call source for the on-call backend: who is on call per
 * escalation level for the entities with `pagerduty.com/service-id`, their
 * incidents, and paging, through PagerDuty's REST API v2.
 *
 * @packageDocumentation
 */
export { onCallModulePagerDuty as default } from './module';
export {
  PagerDutyOnCallProvider,
  pagerDutyServiceIds,
  type PagerDutyOnCallProviderOptions,
} from './provider/PagerDutyOnCallProvider';
export {
  InMemoryOnCallAnswerCache,
  type CachedAnswer,
  type OnCallAnswerCache,
} from './provider/cache';
export {
  PagerDutyClient,
  PagerDutyInputError,
  type PagerDutyClientOptions,
} from './client/PagerDutyClient';
export type {
  PagerDutyContactMethod,
  PagerDutyEscalationPolicy,
  PagerDutyEscalationRule,
  PagerDutyIncident,
  PagerDutyIncidentStatus,
  PagerDutyOnCall,
  PagerDutyReference,
  PagerDutyService,
  PagerDutyUser,
} from './client/types';
export { readPagerDutyConfig, type PagerDutyConfig } from './config';
