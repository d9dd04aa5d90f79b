/**
 * What several of Paved Road's backend packages share: turning a zod error
 * into an `InputError`, checking an entity ref's parts, requests to another plugin as the calling plugin,
 * and time constants.
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
export { DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS } from './time';
