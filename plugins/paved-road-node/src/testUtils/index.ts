/**
 * Test helpers of Paved Road's backend packages: checking a router against
 * its OpenAPI contract, and the TypeScript models of a spec.
 *
 * @packageDocumentation
 */
export {
  OpenApiContract,
  routerOperations,
  type OpenApiAnswer,
} from './OpenApiContract';
export {
  formattedModelsFile,
  modelsFile,
  modelsSource,
  tsType,
} from './openapiModels';
