/**
 * What Paved Road's frontend and backend packages share: the key an entity
 * ref is stored and compared by, time constants, and an HTTP body read
 * from its text, and compile-time type checks.
 *
 * @packageDocumentation
 */
export { jsonOrText } from './body';
export { entityRefKey } from './entityRefs';
export { DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS } from './time';
export type { AssignableType, SameType } from './typeChecks';
