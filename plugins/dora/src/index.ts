/**
 * DORA metrics for the organisation, a team or a service: a page at `/dora`
 * and a DORA tab on every service.
 *
 * @packageDocumentation
 */
export { doraPlugin as default } from './plugin';
export * from './api';
// For other plugins' views of a team (the app's home page).
export {
  TeamDoraFigures,
  teamViewSearch,
  teamWindowQuery,
} from './components/TeamDoraCard/TeamFigures';
export { isEmptyFigures } from './lib/definitions';
