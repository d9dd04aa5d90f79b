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
 */
export async function renderEntityCard(
  entity: Entity,
  card: JSX.Element,
  options: {
    api?: jest.Mocked<ScorecardApi>;
    mountedRoutes?: TestAppOptions['mountedRoutes'];
  } = {},
): Promise<jest.Mocked<ScorecardApi>> {
  const { api = mockScorecardApi(), mountedRoutes } = options;
  await renderInTestApp(
    <EntityProvider entity={entity}>{card}</EntityProvider>,
    {
      apis: [[scorecardApiRef, api]],
      mountedRoutes,
    },
  );
  return api;
}
