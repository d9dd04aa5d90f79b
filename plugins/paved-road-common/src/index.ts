/**
 * What Paved Road's frontend and backend packages share: the key an entity
 * ref is stored and compared by, time constants, and an HTTP body read
 * from its text, compile-time type checks, and how the clients generated
 * from our OpenAPI specs send a request.
 *
 * @packageDocumentation
 */
export {
  queryString,
  sendApiRequest,
  type ApiClientOptions,
  type RequestOptions,
  type TypedResponse,
} from './apiRequest';
export { jsonOrText } from './body';
export { entityRefKey } from './entityRefs';
export { DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS } from './time';
export type { AssignableType, SameType } from './typeChecks';
