/**
 * Test helpers of Paved Road's backend packages: checking a router against
 * its OpenAPI contract.
 *
 * @packageDocumentation
 */
export {
  OpenApiContract,
  routerOperations,
  type OpenApiAnswer,
} from './OpenApiContract';
