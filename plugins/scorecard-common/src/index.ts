/**
 * Types, API contract and permissions shared by the scorecard frontend and backend.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './scoring';
export * from './permissions';
export * from './api';
export * from './waivers';
export { DefaultApiClient } from './schema/openapi.client.generated';
