import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { doraApiRef } from '../../api';
import {
  emptyFigures,
  metricsResponse,
  mockDoraApi,
} from '../../__testUtils__/fixtures';
import { EntityDoraContent } from './EntityDoraContent';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', title: 'Orders service' },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
};

async function renderTab(api = mockDoraApi()) {
  await renderInTestApp(
    <EntityProvider entity={service}>
      <EntityDoraContent />
    </EntityProvider>,
    { apis: [[doraApiRef, api]] },
  );
  return api;
}

describe('EntityDoraContent', () => {
  it('shows the figures of this service only', async () => {
    const api = await renderTab();

    const df = await screen.findByRole('region', {
      name: 'Deployment frequency',
    });
    expect(within(df).getByText('1.5 / day')).toBeInTheDocument();
    expect(within(df).getByText('Elite')).toBeInTheDocument();
    expect(api.getMetrics).toHaveBeenCalledWith(
      expect.objectContaining({
        scope: 'service',
        ref: 'component:default/orders-service',
      }),
    );
    expect(api.getDataQuality).toHaveBeenCalledWith(
      expect.objectContaining({ ref: 'component:default/orders-service' }),
    );
  });

  it('explains how to send events for this service when it has none', async () => {
    const api = mockDoraApi({
      getMetrics: jest.fn(async () =>
        metricsResponse({
          scope: 'service',
          current: emptyFigures(),
          previous: emptyFigures(),
        }),
      ),
    });
    await renderTab(api);

    expect(
      await screen.findByText('No DORA data for Orders service yet'),
    ).toBeInTheDocument();
    // The example is prefilled with this service's entity ref.
    expect(
      await screen.findByText(
        /"service": "component:default\/orders-service", "environment": "prod-eu"/,
      ),
    ).toBeInTheDocument();
    // Without the DORA page mounted there is no link to it, only the inline how-to.
    expect(
      screen.queryByRole('button', { name: 'How to send data' }),
    ).not.toBeInTheDocument();
  });
});
