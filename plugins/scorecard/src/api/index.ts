export { scorecardApiRef } from './ScorecardApi';
export type {
  ScorecardApi,
  ScorecardChecksResponse,
  ScorecardEntityRef,
  ScorecardListQuery,
} from './ScorecardApi';
export { ScorecardClient } from './ScorecardClient';
