export { SendDataPage } from './SendDataPage';
