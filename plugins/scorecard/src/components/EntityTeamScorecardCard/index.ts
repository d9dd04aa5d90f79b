export { EntityTeamScorecardCard } from './EntityTeamScorecardCard';
