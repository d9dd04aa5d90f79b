export { TeamDoraCard } from './TeamDoraCard';
