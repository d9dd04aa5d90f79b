export { SendDataInstructions } from './SendDataInstructions';
