import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Link, Route, Routes, useLocation, useParams } from 'react-router-dom';
import { doraApiRef } from '../../api';
import {
  emptyFigures,
  metricsResponse,
  mockDoraApi,
} from '../../__testUtils__/fixtures';
import { EntityDoraContent } from './EntityDoraContent';

const DAY = 24 * 3600_000;

const services: Entity[] = ['orders-service', 'billing-service'].map(name => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    title: name === 'orders-service' ? 'Orders service' : 'Billing service',
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
}));

/**
 * The tab as the entity page mounts it: one route for every service, so
 * moving to another service keeps the tab mounted, as in the app.
 */
function ServiceTab() {
  const { name } = useParams();
  return (
    <EntityProvider entity={services.find(s => s.metadata.name === name)!}>
      <EntityDoraContent />
    </EntityProvider>
  );
}

/** Shows the tab's query string, as a link to it would carry it. */
function UrlProbe() {
  return <output aria-label="url">{useLocation().search}</output>;
}

function url() {
  return new URLSearchParams(screen.getByLabelText('url').textContent ?? '');
}

/**
 * Renders the tab of orders-service (or `path`); the caller awaits what it
 * shows next, so that the mocked answers arrive inside act().
 */
function renderTab(api = mockDoraApi(), path = '/catalog/orders-service/dora') {
  renderInTestApp(
    <>
      <Routes>
        <Route path="/catalog/:name/dora" element={<ServiceTab />} />
      </Routes>
      <Link to="/catalog/billing-service/dora">Next service</Link>
      <UrlProbe />
    </>,
    { apis: [[doraApiRef, api]], initialRouteEntries: [path] },
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
const wait = { timeout: 20_000 };

describe('EntityDoraContent', () => {
  it('shows the figures of this service only', async () => {
    const api = renderTab();

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
    const api = renderTab(
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
      wait,
    );
    const cfr = await screen.findByRole(
      'region',
      { name: 'Change failure rate' },
      wait,
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
    // The pick is in the URL: a link to the tab opens the same figures.
    expect(url().get('environment')).toBe('production-eu');
  });

  it('opens the window and environment a link to the tab names', async () => {
    const user = userEvent.setup();
    const api = renderTab(
      undefined,
      '/catalog/orders-service/dora?window=90&environment=staging',
    );
    await waitFor(() => {
      const query = api.getMetrics.mock.lastCall![0];
      expect(query).toMatchObject({
        ref: 'component:default/orders-service',
        environment: 'staging',
      });
      expect(
        Date.parse(String(query.to)) - Date.parse(String(query.from)),
      ).toBe(90 * DAY);
    }, wait);
    expect(screen.getByRole('button', { name: '90 days' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await screen.findByRole('region', { name: 'Deployment frequency' }, wait);
    expect(screen.getByLabelText('Environment')).toHaveValue('staging');

    // A range picked on the tab goes to the URL like on the DORA page.
    await user.click(screen.getByRole('button', { name: 'Custom range…' }));
    await user.clear(screen.getByLabelText('From'));
    await user.type(screen.getByLabelText('From'), '2025-06-01');
    await user.clear(screen.getByLabelText('To (included)'));
    await user.type(screen.getByLabelText('To (included)'), '2025-06-30');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(
      () =>
        expect(api.getMetrics).toHaveBeenLastCalledWith(
          expect.objectContaining({
            environment: 'staging',
            from: '2025-06-01T00:00:00.000Z',
            to: '2025-07-01T00:00:00.000Z',
          }),
        ),
      wait,
    );
    expect(url().get('from')).toBe('2025-06-01');
    expect(url().get('to')).toBe('2025-06-30');
    expect(url().get('window')).toBeNull();
    expect(url().get('environment')).toBe('staging');
    await screen.findByRole('region', { name: 'Deployment frequency' }, wait);
  });

  it('starts from the default target again on another service', async () => {
    const user = userEvent.setup();
    const api = renderTab();
    await pickProductionEu(user);
    await waitFor(
      () =>
        expect(api.getMetrics).toHaveBeenLastCalledWith(
          expect.objectContaining({ environment: 'production-eu' }),
        ),
      wait,
    );

    // Another service is another URL, without this one's picks.
    await user.click(screen.getByRole('link', { name: 'Next service' }));
    await waitFor(
      () =>
        expect(api.getMetrics).toHaveBeenLastCalledWith(
          expect.objectContaining({
            ref: 'component:default/billing-service',
            environment: undefined,
          }),
        ),
      wait,
    );
    expect(screen.getByLabelText('Environment')).toHaveValue('');
    await screen.findByRole('region', { name: 'Deployment frequency' }, wait);
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
    renderTab(api);

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
