/**
 * What on-call sources build on: the {@link OnCallProvider} interface, the
 * on-call backend's `onCallProvidersExtensionPoint` for backend modules, and
 * the annotation provider the backend falls back to.
 *
 * @packageDocumentation
 */
export type {
  IncidentsOptions,
  OnCallNowOptions,
  OnCallProvider,
  TriggerIncidentOptions,
} from './provider';
export {
  onCallProvidersExtensionPoint,
  type OnCallProvidersExtensionPoint,
} from './extensions';
export { StaticAnnotationOnCallProvider } from './StaticAnnotationOnCallProvider';
