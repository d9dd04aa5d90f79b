export { DataQualityPanel } from './DataQualityPanel';
