/**
 * Types, API contract and permissions shared by the dora frontend and backend.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './levels';
export * from './permissions';
export { DefaultApiClient } from './schema/openapi.client.generated';
