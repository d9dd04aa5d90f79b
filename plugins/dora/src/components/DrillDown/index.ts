export { DrillDown } from './DrillDown';
export type { DrillDownTab } from './DrillDown';
