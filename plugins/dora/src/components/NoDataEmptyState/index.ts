export { NoDataEmptyState } from './NoDataEmptyState';
