/**
 * On-call lookup for the Paved Road portal: a card on each component that
 * shows the owning team, who is on call, the runbook and dashboards, and the
 * dependencies and dependents with their owners.
 *
 * @packageDocumentation
 */
export { oncallPlugin as default } from './plugin';
export { summarize, refsToLoad } from './onCallSummary';
export type { OnCallSummary } from './onCallSummary';
