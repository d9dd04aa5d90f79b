import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import doraPlugin, {
  DoraApi,
  doraApiRef,
  teamWindowQuery,
} from '@internal/plugin-dora';
import { metricsResponse } from '@internal/plugin-dora/testUtils';
import { screen, within } from '@testing-library/react';
import { TeamDeliveryWidget } from './TeamDeliveryWidget';

/**
 * A team that delivers well: the DORA plugin's own fixture (elite and high),
 * with recovery time at insufficient data for a third kind of level.
 */
function metrics() {
  const response = metricsResponse({ scope: 'team' });
  response.current.recoveryTime.level = 'insufficient-data';
  return response;
}

function service(name: string, owner: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const entities = [
  service('orders-service', 'group:default/fulfilment-team'),
  service('inventory-service', 'group:default/fulfilment-team'),
  service('shipping-service', 'group:default/fulfilment-team'),
  service('checkout-service', 'group:default/storefront-team'),
  service('notifications-worker', 'group:default/storefront-team'),
  service('payments-service', 'group:default/payments-team'),
  service('route-optimizer', 'group:default/data-team'),
  service('side-project', 'user:default/ada'),
];

async function renderWidget(
  ownershipEntityRefs: string[],
  getMetrics: DoraApi['getMetrics'] = async () => metrics(),
) {
  const doraApi = { getMetrics: jest.fn(getMetrics) };
  await renderInTestApp(<TeamDeliveryWidget />, {
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/dora/metrics': doraPlugin.routes.metrics,
    },
    apis: [
      [catalogApiRef, catalogApiMock({ entities })],
      [doraApiRef, doraApi as unknown as DoraApi],
      mockApis.identity({
        userEntityRef: 'user:default/ada',
        ownershipEntityRefs,
      }),
    ],
  });
  return doraApi.getMetrics;
}

describe('TeamDeliveryWidget', () => {
  it("shows the four keys of each of the user's teams with a link to the DORA page", async () => {
    const getMetrics = await renderWidget([
      'user:default/ada',
      'group:default/payments-team',
    ]);

    const team = within(
      await screen.findByRole('region', { name: 'payments-team' }),
    );
    expect(team.getByText('1.5 / day')).toBeInTheDocument();
    expect(team.getByText('5 h')).toBeInTheDocument();
    expect(team.getByText('8.9 %')).toBeInTheDocument();
    expect(team.getByText('45 min')).toBeInTheDocument();
    expect(team.getAllByText('Elite')).toHaveLength(2);
    expect(team.getByText('High')).toBeInTheDocument();
    expect(team.getByText('Insufficient data')).toBeInTheDocument();
    expect(team.getByRole('link', { name: 'DORA page' })).toHaveAttribute(
      'href',
      '/dora/metrics?scope=team&team=group%3Adefault%2Fpayments-team&window=90',
    );
    expect(screen.getByText(/^Last 90 days/)).toBeInTheDocument();

    // Groups only, over the same 90 whole days as the DORA page.
    expect(getMetrics).toHaveBeenCalledTimes(1);
    expect(getMetrics).toHaveBeenCalledWith({
      scope: 'team',
      ref: 'group:default/payments-team',
      ...teamWindowQuery(),
    });
  });

  it('shows someone in no team the three teams with the most services', async () => {
    const getMetrics = await renderWidget(['user:development/guest']);

    expect(
      await screen.findByText(/^You are in no team yet, so here are the teams/),
    ).toBeInTheDocument();
    expect(
      await screen.findAllByRole('region', { name: /-team$/ }),
    ).toHaveLength(3);
    expect(getMetrics.mock.calls.map(([query]) => query.ref)).toEqual([
      'group:default/fulfilment-team',
      'group:default/storefront-team',
      'group:default/data-team',
    ]);
  });

  it("says so when a team has no data, and when one team's figures fail", async () => {
    await renderWidget(
      ['group:default/data-team', 'group:default/payments-team'],
      async ({ ref }) => {
        if (ref === 'group:default/payments-team') {
          throw new Error('dora is down');
        }
        const empty = metrics();
        empty.current.deploymentFrequency.deployments = 0;
        empty.current.leadTime.changes = 0;
        empty.current.recoveryTime.failedDeployments = 0;
        empty.current.recoveryTime.incidents.opened = 0;
        return empty;
      },
    );

    expect(
      await screen.findByText(
        'No deployments, changes or incidents in the last 90 days.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Could not load the figures: dora is down'),
    ).toBeInTheDocument();
  });
});
