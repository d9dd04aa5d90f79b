/**
 * The on-call backend plugin.
 *
 * @packageDocumentation
 */
export { onCallPlugin as default } from './plugin';
