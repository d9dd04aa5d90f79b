import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { MockEntityListContextProvider } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scorecardApiRef } from '../../api';
import { list, mockScorecardApi, summary } from '../../__testUtils__/fixtures';
import {
  CriticalFailingFilter,
  ScorecardCriticalFailingFilter,
  loadCriticalFailing,
} from './CriticalFailingFilter';

function component(name: string, namespace = 'default'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace },
    spec: { type: 'service', owner: 'team', lifecycle: 'production' },
  };
}

describe('ScorecardCriticalFailingFilter', () => {
  it('asks the catalog for the names and keeps the exact refs', () => {
    const filter = new ScorecardCriticalFailingFilter(
      new Set(['component:default/orders-service']),
    );
    expect(filter.getCatalogFilters()).toEqual({
      'metadata.name': ['orders-service'],
    });
    expect(filter.filterEntity(component('orders-service'))).toBe(true);
    expect(filter.filterEntity(component('Orders-Service'))).toBe(true);
    expect(filter.filterEntity(component('orders-service', 'other'))).toBe(
      false,
    );
  });

  it('matches nothing (not everything) when nothing fails', () => {
    const filter = new ScorecardCriticalFailingFilter(new Set());
    expect(filter.getCatalogFilters()['metadata.name']).toEqual([
      'scorecard-none-',
    ]);
    expect(filter.filterEntity(component('orders-service'))).toBe(false);
  });
});

describe('loadCriticalFailing', () => {
  it('follows the cursor through every page', async () => {
    const api = mockScorecardApi({
      listEntities: jest.fn(async query =>
        query?.cursor
          ? list([summary({ name: 'b' })])
          : list([summary({ name: 'a' })], { nextCursor: 'next' }),
      ),
    });
    await expect(loadCriticalFailing(api)).resolves.toEqual(
      new Set(['component:default/a', 'component:default/b']),
    );
    expect(api.listEntities).toHaveBeenCalledWith(
      expect.objectContaining({ criticalFailing: true, limit: 500 }),
    );
  });
});

describe('CriticalFailingFilter', () => {
  it('sets the catalog filter when checked', async () => {
    const user = userEvent.setup();
    const updateFilters = jest.fn();
    const api = mockScorecardApi({
      listEntities: jest.fn(async () =>
        list([summary({ name: 'orders-service', criticalFailing: true })]),
      ),
    });
    renderInTestApp(
      <MockEntityListContextProvider value={{ updateFilters }}>
        <CriticalFailingFilter />
      </MockEntityListContextProvider>,
      { apis: [[scorecardApiRef, api]] },
    );
    expect(api.listEntities).not.toHaveBeenCalled();

    await user.click(
      screen.getByRole('checkbox', { name: 'Failing a critical check' }),
    );
    await waitFor(() =>
      expect(updateFilters).toHaveBeenLastCalledWith({
        scorecardCritical: expect.any(ScorecardCriticalFailingFilter),
      }),
    );
    const filter = updateFilters.mock.lastCall[0].scorecardCritical;
    expect(filter.filterEntity(component('orders-service'))).toBe(true);
    expect(filter.filterEntity(component('billing-api'))).toBe(false);

    await user.click(
      screen.getByRole('checkbox', { name: 'Failing a critical check' }),
    );
    await waitFor(() =>
      expect(updateFilters).toHaveBeenLastCalledWith({
        scorecardCritical: undefined,
      }),
    );
  });

  it('restores the filter from the query string', async () => {
    const updateFilters = jest.fn();
    renderInTestApp(
      <MockEntityListContextProvider
        value={{
          updateFilters,
          queryParameters: { scorecardCritical: 'true' } as any,
        }}
      >
        <CriticalFailingFilter />
      </MockEntityListContextProvider>,
      { apis: [[scorecardApiRef, mockScorecardApi()]] },
    );
    expect(
      screen.getByRole('checkbox', { name: 'Failing a critical check' }),
    ).toBeChecked();
    await waitFor(() =>
      expect(updateFilters).toHaveBeenLastCalledWith({
        scorecardCritical: expect.any(ScorecardCriticalFailingFilter),
      }),
    );
  });
});
