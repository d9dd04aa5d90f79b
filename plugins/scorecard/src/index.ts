/**
 * The scorecard: a card on every component (score, level, each check and how
 * to fix it), a team card on group pages, and a page at `/scorecard` with
 * every service worst first and team rollups.
 *
 * @packageDocumentation
 */
export { scorecardPlugin as default } from './plugin';
export * from './api';
