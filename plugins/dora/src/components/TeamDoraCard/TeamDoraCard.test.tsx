import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { doraApiRef } from '../../api';
import {
  emptyFigures,
  metricsResponse,
  mockDoraApi,
} from '../../__testUtils__/fixtures';
import { metricsRouteRef } from '../../routes';
import { TeamDoraCard } from './TeamDoraCard';

const DAY = 24 * 3600_000;

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments-team', title: 'Payments Team' },
  spec: { type: 'team', children: [] },
};

/**
 * Renders the card on the group, with the DORA page's metrics tab mounted
 * unless `withPage` is false; the caller awaits what it shows next.
 */
function renderCard(api = mockDoraApi(), withPage = true) {
  renderInTestApp(
    <EntityProvider entity={team}>
      <TeamDoraCard />
    </EntityProvider>,
    {
      apis: [[doraApiRef, api]],
      ...(withPage
        ? { mountedRoutes: { '/dora/metrics': metricsRouteRef } }
        : {}),
    },
  );
  return api;
}

function figure(title: string) {
  return within(screen.getByRole('region', { name: title }));
}

// Waits allow 20 s on a busy machine; the tests must be allowed as long.
jest.setTimeout(60_000);

describe('TeamDoraCard', () => {
  it("shows the team's four keys over the last 90 days with their levels", async () => {
    const api = renderCard();

    await screen.findByRole('region', { name: 'Deployment frequency' });
    const query = api.getMetrics.mock.lastCall![0];
    expect(query).toMatchObject({
      scope: 'team',
      ref: 'group:default/payments-team',
    });
    expect(Date.parse(String(query.to)) - Date.parse(String(query.from))).toBe(
      90 * DAY,
    );

    expect(figure('Deployment frequency').getByText('1.5 / day')).toBeVisible();
    expect(figure('Deployment frequency').getByText('Elite')).toBeVisible();
    expect(figure('Lead time for changes').getByText('5 h')).toBeVisible();
    expect(figure('Change failure rate').getByText('8.9 %')).toBeVisible();
    expect(figure('Change failure rate').getByText('High')).toBeVisible();
    expect(
      figure('Failed deployment recovery time').getByText('45 min'),
    ).toBeVisible();
    // The fifth figure of the page, rework rate, is not one of the four keys.
    expect(
      screen.queryByRole('region', { name: 'Rework rate' }),
    ).not.toBeInTheDocument();
  });

  it('links to the same figures on the DORA page', async () => {
    renderCard();
    const link = await screen.findByRole('link', {
      name: /Open in DORA metrics/,
    });
    const target = new URL(link.getAttribute('href')!, 'http://localhost');
    expect(target.pathname).toBe('/dora/metrics');
    expect(Object.fromEntries(target.searchParams)).toEqual({
      scope: 'team',
      team: 'group:default/payments-team',
      window: '90',
    });
    await screen.findByRole('region', { name: 'Deployment frequency' });
  });

  it('says in one line when the team has no data', async () => {
    renderCard(
      mockDoraApi({
        getMetrics: jest.fn(async () =>
          metricsResponse({
            scope: 'team',
            current: emptyFigures(),
            previous: emptyFigures(),
          }),
        ),
      }),
    );
    expect(
      await screen.findByText(
        'No deployments, changes or incidents for this team in the last 90 days.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Deployment frequency' }),
    ).not.toBeInTheDocument();
    // Still a way to the page, which says how to send data.
    expect(
      screen.getByRole('link', { name: /Open in DORA metrics/ }),
    ).toBeInTheDocument();
  });

  it('says why the figures are missing when the backend fails', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'not allowed' },
          response: { statusCode: 403 },
        }),
        { status: 403, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    renderCard(
      mockDoraApi({
        getMetrics: jest.fn(async () => {
          throw error;
        }),
      }),
      false,
    );
    expect(
      await screen.findByText(/^Could not load the DORA metrics: /),
    ).toBeInTheDocument();
    // Without the DORA page in the app there is nothing to link to.
    expect(
      screen.queryByRole('link', { name: /Open in DORA metrics/ }),
    ).not.toBeInTheDocument();
  });
});
