import { Entity } from '@backstage/catalog-model';
import {
  renderInTestApp,
  TestAppOptions,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ScorecardApi, scorecardApiRef } from '../api';
import { mockScorecardApi } from './fixtures';

/**
 * Renders `card` on `entity`'s page with `api` as the scorecard API (the
 * fixtures' mock by default), and returns the API for call assertions.
 *
 * Synchronous on purpose: the mocks answer at once, so awaiting anything
 * between the render and the test's first `findBy*` would let the card
 * update outside act(). Follow it with a `findBy*` of the loaded state.
 */
export function renderEntityCard(
  entity: Entity,
  card: JSX.Element,
  options: {
    api?: jest.Mocked<ScorecardApi>;
    mountedRoutes?: TestAppOptions['mountedRoutes'];
  } = {},
): jest.Mocked<ScorecardApi> {
  const { api = mockScorecardApi(), mountedRoutes } = options;
  renderInTestApp(<EntityProvider entity={entity}>{card}</EntityProvider>, {
    apis: [[scorecardApiRef, api]],
    mountedRoutes,
  });
  return api;
}
