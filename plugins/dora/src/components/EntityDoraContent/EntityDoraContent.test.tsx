import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { useState } from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

/** Picks production-eu once the picker lists it. */
async function pickProductionEu(user: ReturnType<typeof userEvent.setup>) {
  await screen.findByRole(
    'option',
    { name: 'production-eu (production)' },
    { timeout: 20_000 },
  );
  await user.selectOptions(
    screen.getByLabelText('Environment'),
    'production-eu',
  );
}

// Waits allow 20 s on a busy machine; the tests must be allowed as long.
jest.setTimeout(60_000);

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

  it('counts one environment of this service when picked', async () => {
    const user = userEvent.setup();
    const api = await renderTab(
      mockDoraApi({
        getMetrics: jest.fn(async query =>
          metricsResponse(
            query.environment
              ? { scope: 'service', target: { environment: query.environment } }
              : { scope: 'service' },
          ),
        ),
      }),
    );
    await screen.findByRole('region', { name: 'Deployment frequency' });
    expect(api.getEnvironments).toHaveBeenCalledWith({
      scope: 'service',
      ref: 'component:default/orders-service',
    });
    await pickProductionEu(user);

    await waitFor(
      () =>
        expect(api.getMetrics).toHaveBeenLastCalledWith(
          expect.objectContaining({
            scope: 'service',
            ref: 'component:default/orders-service',
            environment: 'production-eu',
          }),
        ),
      { timeout: 20_000 },
    );
    const cfr = await screen.findByRole(
      'region',
      { name: 'Change failure rate' },
      { timeout: 20_000 },
    );
    expect(
      within(cfr).getByText(
        /4 of 45 deployments to production-eu needed intervention/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Figures count deployments to the environment production-eu\./,
      ),
    ).toBeInTheDocument();
  });

  it('starts from the default target again on another service', async () => {
    const user = userEvent.setup();
    const other: Entity = {
      ...service,
      metadata: { name: 'billing-service', title: 'Billing service' },
    };
    // The tab stays mounted while the page moves to another entity.
    function TwoServices() {
      const [entity, setEntity] = useState(service);
      return (
        <>
          <button onClick={() => setEntity(other)}>Next service</button>
          <EntityProvider entity={entity}>
            <EntityDoraContent />
          </EntityProvider>
        </>
      );
    }
    const api = mockDoraApi();
    await renderInTestApp(<TwoServices />, { apis: [[doraApiRef, api]] });
    await pickProductionEu(user);
    await waitFor(
      () =>
        expect(api.getMetrics).toHaveBeenLastCalledWith(
          expect.objectContaining({ environment: 'production-eu' }),
        ),
      { timeout: 20_000 },
    );

    await user.click(screen.getByRole('button', { name: 'Next service' }));
    await waitFor(
      () =>
        expect(api.getMetrics).toHaveBeenLastCalledWith(
          expect.objectContaining({
            ref: 'component:default/billing-service',
            environment: undefined,
          }),
        ),
      { timeout: 20_000 },
    );
    expect(screen.getByLabelText('Environment')).toHaveValue('');
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
