export { CriticalFailingFilter } from './CriticalFailingFilter';
