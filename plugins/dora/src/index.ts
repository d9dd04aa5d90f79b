/**
 * DORA metrics for the organisation, a team or a service: a page at `/dora`
 * and a DORA tab on every service.
 *
 * @packageDocumentation
 */
export { doraPlugin as default } from './plugin';
export * from './api';
