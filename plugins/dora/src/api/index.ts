export { doraApiRef } from './DoraApi';
export type { DoraApi, DoraQuery } from './DoraApi';
export { DoraClient } from './DoraClient';
