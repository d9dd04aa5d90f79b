import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { OnCallProvider } from './provider';

/**
 * Lets backend modules give the on-call backend their on-call sources.
 *
 * @public
 */
export interface OnCallProvidersExtensionPoint {
  /**
   * Adds providers. They are asked in the order they were added, before the
   * annotation fallback; two providers with one id are refused at start.
   */
  addProvider(...providers: OnCallProvider[]): void;
}

/**
 * The on-call backend's extension point for on-call sources (see
 * {@link OnCallProvider}).
 *
 * @public
 */
export const onCallProvidersExtensionPoint =
  createExtensionPoint<OnCallProvidersExtensionPoint>({
    id: 'oncall.providers',
  });
