import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scorecardApiRef } from '../../api';
import {
  list,
  mockScorecardApi,
  summary,
  team,
  teams,
} from '../../__testUtils__/fixtures';
import { ScorecardPage } from './ScorecardPage';

const worstFirst = [
  summary({
    name: 'orders-service',
    title: 'Orders service',
    score: 0.9,
    level: null,
    criticalFailing: true,
    failingChecks: ['ci-passing'],
  }),
  summary({
    name: 'billing-api',
    score: 0.4,
    level: 'bronze',
    owner: 'group:default/billing-team',
    failingChecks: ['has-techdocs'],
  }),
  summary({ name: 'storefront-web', score: 1, level: 'gold' }),
];

const rollup = teams([
  team({
    owner: 'group:default/platform',
    title: 'Platform',
    averageScore: 0.95,
  }),
  team({
    owner: 'group:default/payments-team',
    title: 'Payments Team',
    averageScore: 0.9,
    criticalFailingCount: 1,
    failingChecks: { 'ci-passing': 1, 'has-techdocs': 2, 'has-oncall': 0 },
  }),
  team({
    owner: 'group:default/billing-team',
    title: 'Billing Team',
    averageScore: 0.4,
  }),
]);

/**
 * Renders the page; synchronous so that nothing runs between the render and
 * the test's first `findBy*` (the mocks answer at once).
 */
function renderPage(api = mockScorecardApi()) {
  renderInTestApp(<ScorecardPage />, {
    apis: [
      [scorecardApiRef, api],
      [catalogApiRef, catalogApiMock()],
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return api;
}

function serviceRows() {
  const table = screen.getByRole('table', { name: 'Services' });
  return within(table).getAllByRole('row').slice(1);
}

// A page of Material UI tables and an Autocomplete is slow to render and
// drive on a busy CI machine.
jest.setTimeout(20_000);

describe('ScorecardPage', () => {
  it('lists services in the order the API gives (worst first) and links each to its entity', async () => {
    const api = renderPage(
      mockScorecardApi({
        listEntities: jest.fn(async () => list(worstFirst)),
        getTeams: jest.fn(async () => rollup),
      }),
    );

    await screen.findByRole('table', { name: 'Services' });
    const rows = serviceRows();
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual([
      'Orders serviceFailing a critical check',
      'billing-api',
      'storefront-web',
    ]);
    expect(
      within(rows[0]).getByRole('link', { name: 'Orders service' }),
    ).toHaveAttribute('href', '/catalog/default/component/orders-service');
    expect(within(rows[0]).getByText('90 %')).toBeInTheDocument();
    expect(within(rows[0]).getByText('No level')).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('CI passes on the default branch'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('Bronze')).toBeInTheDocument();
    expect(within(rows[2]).queryByText('Failing a critical check')).toBeNull();

    expect(api.listEntities).toHaveBeenCalledWith({
      owner: undefined,
      level: undefined,
      check: undefined,
      criticalFailing: undefined,
      limit: 25,
      cursor: undefined,
    });
    expect(screen.getByText('1–3 of 3')).toBeInTheDocument();
  });

  it('filters by critical failures, level, failing check and owner', async () => {
    const user = userEvent.setup();
    const api = mockScorecardApi({
      listEntities: jest.fn(async query =>
        query?.criticalFailing ? list([worstFirst[0]]) : list(worstFirst),
      ),
      getTeams: jest.fn(async () => rollup),
    });
    renderPage(api);
    await screen.findByRole('table', { name: 'Services' });

    await user.click(
      screen.getByRole('checkbox', { name: 'Failing a critical check only' }),
    );
    await waitFor(() => expect(serviceRows()).toHaveLength(1));
    expect(api.listEntities).toHaveBeenLastCalledWith(
      expect.objectContaining({ criticalFailing: true }),
    );

    await user.selectOptions(screen.getByLabelText('Level'), 'silver');
    await waitFor(() =>
      expect(api.listEntities).toHaveBeenLastCalledWith(
        expect.objectContaining({ criticalFailing: true, level: ['silver'] }),
      ),
    );

    await user.selectOptions(
      screen.getByLabelText('Failing check'),
      'has-techdocs',
    );
    await waitFor(() =>
      expect(api.listEntities).toHaveBeenLastCalledWith(
        expect.objectContaining({ check: 'has-techdocs' }),
      ),
    );

    await user.click(screen.getByLabelText('Owner'));
    await user.click(
      await screen.findByRole('option', { name: 'Billing Team' }),
    );
    await waitFor(() =>
      expect(api.listEntities).toHaveBeenLastCalledWith({
        owner: ['group:default/billing-team'],
        level: ['silver'],
        check: 'has-techdocs',
        criticalFailing: true,
        limit: 25,
        cursor: undefined,
      }),
    );
  });

  it('says when no service matches the filters', async () => {
    const user = userEvent.setup();
    renderPage(
      mockScorecardApi({
        listEntities: jest.fn(async query =>
          query?.criticalFailing ? list([]) : list(worstFirst),
        ),
      }),
    );
    await screen.findByRole('table', { name: 'Services' });
    await user.click(
      screen.getByRole('checkbox', { name: 'Failing a critical check only' }),
    );
    expect(
      await screen.findByText('No service matches these filters.'),
    ).toBeInTheDocument();
  });

  it('pages with the cursor and back', async () => {
    const user = userEvent.setup();
    const api = mockScorecardApi({
      listEntities: jest.fn(async query =>
        query?.cursor === 'page-2'
          ? list([summary({ name: 'zebra' })], { totalItems: 26 })
          : list(
              Array.from({ length: 25 }, (_, i) =>
                summary({ name: `svc-${i}`, score: i / 25 }),
              ),
              { totalItems: 26, nextCursor: 'page-2' },
            ),
      ),
    });
    renderPage(api);
    await screen.findByText('1–25 of 26');
    expect(
      screen.getByRole('button', { name: 'Previous page' }),
    ).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('26–26 of 26')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'zebra' })).toBeInTheDocument();
    expect(api.listEntities).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: 'page-2' }),
    );
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('1–25 of 26')).toBeInTheDocument();
  });

  it("rolls up teams worst first and shows a team's services on request", async () => {
    const user = userEvent.setup();
    const api = renderPage(
      mockScorecardApi({
        listEntities: jest.fn(async () => list(worstFirst)),
        getTeams: jest.fn(async () => rollup),
      }),
    );
    const table = await screen.findByRole('table', { name: 'Teams' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['Payments Team', 'Billing Team', 'Platform']);
    expect(
      within(rows[0]).getByText(
        'Has TechDocs (2), CI passes on the default branch (1)',
      ),
    ).toBeInTheDocument();
    expect(
      within(rows[0]).getByRole('link', { name: 'Payments Team' }),
    ).toHaveAttribute('href', '/catalog/default/group/payments-team');

    await user.click(
      screen.getByRole('button', { name: 'Show services of Billing Team' }),
    );
    await waitFor(() =>
      expect(api.listEntities).toHaveBeenLastCalledWith(
        expect.objectContaining({ owner: ['group:default/billing-team'] }),
      ),
    );
    expect(screen.getByLabelText('Owner')).toHaveValue('Billing Team');
  });

  it('shows a backend error in a response error panel', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'InputError',
            message: "Invalid query: level: unknown level 'platinum'",
          },
          request: { method: 'GET', url: '/api/scorecard/entities' },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    renderPage(
      mockScorecardApi({
        listEntities: jest.fn(async () => {
          throw error;
        }),
      }),
    );
    expect(
      await screen.findByText(/unknown level 'platinum'/),
    ).toBeInTheDocument();
    expect(screen.getByText('400: InputError')).toBeInTheDocument();
  });

  it("shows the organisation's score over time", async () => {
    renderPage(
      mockScorecardApi({
        getOrganisationTrend: jest.fn(async () => ({
          days: [
            {
              day: '2026-11-23',
              score: 0.7,
              level: null,
              criticalFailing: true,
              entityCount: 10,
              criticalFailingCount: 2,
            },
            {
              day: '2026-11-24',
              score: 0.8,
              level: null,
              criticalFailing: true,
              entityCount: 10,
              criticalFailingCount: 1,
            },
          ],
        })),
      }),
    );

    expect(
      await screen.findByText(
        '2026-11-24: 80 % over 10 services, 1 failing a critical check.',
      ),
    ).toBeInTheDocument();
  });
});
