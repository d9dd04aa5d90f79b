export { DoraMetricsView } from './DoraMetricsView';
export type { DoraMetricsViewProps } from './DoraMetricsView';
