/** Test data for other packages' tests (the app's home page widget). */
export { metricsResponse } from './metrics';
