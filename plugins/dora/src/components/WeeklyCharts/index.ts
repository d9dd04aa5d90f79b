export { WeeklyCharts } from './WeeklyCharts';
