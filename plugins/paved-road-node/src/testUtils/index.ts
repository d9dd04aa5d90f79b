/**
 * Test helpers of Paved Road's backend packages: checking a router against
 * its OpenAPI contract, and the TypeScript models and client of a spec.
 *
 * @packageDocumentation
 */
export {
  OpenApiContract,
  routerOperations,
  type OpenApiAnswer,
} from './OpenApiContract';
export { clientFile, clientSource, commonSchemaFiles } from './openapiClient';
export { formatted, modelsFile, modelsSource, tsType } from './openapiModels';
