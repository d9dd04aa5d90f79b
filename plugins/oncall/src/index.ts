/**
 * On-call lookup for the Paved Road portal: a card on each component that
 * shows the owning team, who is on call, the runbook and dashboards, and the
 * dependencies and dependents with their owners; a card on each team's page
 * with its contacts and who is on call for each of its components.
 *
 * @packageDocumentation
 */
export { oncallPlugin as default } from './plugin';
export {
  summarize,
  refsToLoad,
  onCallNow,
  teamContactsOf,
} from './onCallSummary';
export type {
  Contact,
  Link as OnCallLink,
  OnCallNow,
  OnCallSummary,
  TeamContacts,
} from './onCallSummary';
export { loadOnCallNow } from './loadOnCall';
export type { CatalogLookup } from './loadOnCall';
