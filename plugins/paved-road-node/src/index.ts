/**
 * What several of Paved Road's backend packages share: turning a zod error
 * into an `InputError`, checking an entity ref's parts, the catalog's group
 * hierarchy, requests to another plugin as the calling plugin, the options
 * of the OpenAPI routers.
 * Time constants and entity ref keys, which the frontends share too, are in
 * `@internal/paved-road-common`.
 *
 * @packageDocumentation
 */
export { invalidEntityRefPart } from './entityRefs';
export {
  GROUP_HIERARCHY_FIELDS,
  GroupHierarchy,
  type GroupCatalog,
  type GroupNode,
} from './groupHierarchy';
export {
  openApiRouterOptions,
  type OpenApiRouterOptions,
} from './openApiRouterOptions';
export { issuesToMessage, parseInput } from './parseInput';
export {
  fetchFromPlugin,
  pluginEndpoint,
  type PluginEndpoint,
  type PluginRequestInit,
  type PluginRequestServices,
} from './pluginRequest';
