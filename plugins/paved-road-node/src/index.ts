/**
 * What several of Paved Road's backend packages share: turning a zod error
 * into an `InputError`, checking an entity ref's parts, requests to another plugin as the calling plugin.
 * Time constants and entity ref keys, which the frontends share too, are in
 * `@internal/paved-road-common`.
 *
 * @packageDocumentation
 */
export { invalidEntityRefPart } from './entityRefs';
export { issuesToMessage, parseInput } from './parseInput';
export {
  fetchFromPlugin,
  pluginEndpoint,
  type PluginEndpoint,
  type PluginRequestInit,
  type PluginRequestServices,
} from './pluginRequest';
