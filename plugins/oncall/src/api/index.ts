export { onCallApiRef } from './OnCallApi';
export type { IncidentsQuery, OnCallApi } from './OnCallApi';
export { OnCallClient } from './OnCallClient';
