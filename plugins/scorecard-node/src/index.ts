/**
 * Extension points of the scorecard backend (`@internal/plugin-scorecard-backend`)
 * for backend modules.
 *
 * @packageDocumentation
 */
export {
  scorecardHistoryExtensionPoint,
  type ScorecardHistoryExtensionPoint,
  type ScorecardPastView,
} from './extensions';
