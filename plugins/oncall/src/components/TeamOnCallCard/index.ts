export { TeamOnCallCard } from './TeamOnCallCard';
