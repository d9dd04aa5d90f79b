export { scorecardPlugin as default } from './plugin';
