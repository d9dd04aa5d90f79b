/**
 * On-call lookup for the Paved Road portal: a card on each component that
 * shows the owning team, who is on call now and next and the open incidents
 * (from the on-call backend), a button to page the on-call, the runbook and
 * dashboards, and the dependencies with their own on-call; a card on each
 * team's page with its contacts and who is on call for each of its
 * components.
 *
 * @packageDocumentation
 */
export { oncallPlugin as default } from './plugin';
export { onCallApiRef, OnCallClient } from './api';
export type { IncidentsQuery, OnCallApi } from './api';
export {
  summarize,
  refsToLoad,
  runbooksOf,
  teamContactsOf,
} from './onCallSummary';
export type {
  Contact,
  Link as OnCallLink,
  OnCallSummary,
  TeamContacts,
} from './onCallSummary';
export { levelOneNow, loadOnCallAnswers } from './loadOnCall';
export type { CatalogLookup, OnCallResult } from './loadOnCall';
// What the backend answers, for the app's widgets that show it.
export type {
  OnCallAnswer,
  OnCallContact,
  OnCallShift,
} from '@internal/plugin-oncall-common';
