export { EnvironmentPicker } from './EnvironmentPicker';
