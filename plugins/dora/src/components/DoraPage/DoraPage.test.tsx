import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { doraApiRef } from '../../api';
import {
  dataQuality,
  emptyFigures,
  metricsResponse,
  mockDoraApi,
} from '../../__testUtils__/fixtures';
import { sendDataRouteRef } from '../../routes';
import { useLocation } from 'react-router-dom';
import { DoraPage } from './DoraPage';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments-team', title: 'Payments Team' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'engineering' },
    spec: { type: 'department', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders-service' },
    spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'storefront-web' },
    spec: { type: 'website', owner: 'payments-team', lifecycle: 'production' },
  },
];

const DAY = 24 * 3600_000;
/** Generous: the machine running the tests is shared. */
const wait = { timeout: 20_000 };

/** Shows the page's query string, as a link to this view would carry it. */
function UrlProbe() {
  return <output aria-label="url">{useLocation().search}</output>;
}

/**
 * Renders the page; the caller awaits what it shows next (findBy, waitFor),
 * so that the answers of the mocked APIs arrive inside act().
 */
function renderPage(api = mockDoraApi(), link?: string) {
  renderInTestApp(
    <>
      <DoraPage />
      <UrlProbe />
    </>,
    {
      ...(link ? { initialRouteEntries: [link] } : {}),
      apis: [
        [doraApiRef, api],
        [catalogApiRef, catalogApiMock({ entities })],
      ],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/dora/send-data': sendDataRouteRef,
      },
    },
  );
  return api;
}

/** The page's query string now. */
function url() {
  return new URLSearchParams(screen.getByLabelText('url').textContent ?? '');
}

function card(title: string) {
  return within(screen.getByRole('region', { name: title }));
}

// Waits allow 20 s on a busy machine; the tests must be allowed as long.
jest.setTimeout(60_000);

describe('DoraPage', () => {
  it('shows the five figures with value, level and trend for the organisation', async () => {
    const api = renderPage();

    await screen.findByRole('region', { name: 'Deployment frequency' });
    expect(api.getMetrics).toHaveBeenCalledWith(
      expect.objectContaining({ scope: 'org', ref: undefined }),
    );

    const df = card('Deployment frequency');
    expect(df.getByText('1.5 / day')).toBeInTheDocument();
    expect(df.getByText('Elite')).toBeInTheDocument();
    expect(
      df.getByText('Better than the previous 30 days (1 / day)'),
    ).toBeInTheDocument();
    expect(
      df.getByText('45 production deployments on 20 days'),
    ).toBeInTheDocument();

    const lt = card('Lead time for changes');
    expect(lt.getByText('5 h')).toBeInTheDocument();
    expect(lt.getByText(/p90 30 h · 60 commits deployed/)).toBeInTheDocument();
    expect(
      lt.getByText(/Coding 2 h · Review 1.5 h · Waiting to deploy 40 min/),
    ).toBeInTheDocument();

    const cfr = card('Change failure rate');
    expect(cfr.getByText('8.9 %')).toBeInTheDocument();
    expect(cfr.getByText('High')).toBeInTheDocument();
    expect(
      cfr.getByText('No change from the previous 30 days (8.9 %)'),
    ).toBeInTheDocument();

    const rt = card('Failed deployment recovery time');
    expect(rt.getByText('45 min')).toBeInTheDocument();
    expect(rt.getByText(/Worse than the previous 30 days/)).toBeInTheDocument();
    expect(
      rt.getByText(/3 of 4 failed deployments recovered \(1 not yet\)/),
    ).toBeInTheDocument();

    const rw = card('Rework rate');
    expect(rw.getByText('2.2 %')).toBeInTheDocument();
    expect(rw.getByText('No benchmark')).toBeInTheDocument();

    // Data-quality findings from both the figures and /data-quality.
    expect(
      screen.getByText(
        '12 of 60 deployed commits (20 %) start their lead time at PR open (squash-merge fallback)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('1 failed deployment has not recovered yet'),
    ).toBeInTheDocument();
    // The definitions are on the page, not only in tooltips.
    expect(
      screen.getByText(/from the commit's start to the finish of the first/),
    ).toBeInTheDocument();
  });

  it('says "Insufficient data" instead of a level below the minimum sample', async () => {
    const current = emptyFigures();
    current.deploymentFrequency = {
      deployments: 3,
      deploymentDays: 3,
      perDay: 0.1,
      perWeek: 0.7,
      level: 'insufficient-data',
    };
    const api = mockDoraApi({
      getMetrics: jest.fn(async () =>
        metricsResponse({
          current,
          trend: {
            deploymentFrequency: 'unknown',
            leadTime: 'unknown',
            changeFailureRate: 'unknown',
            recoveryTime: 'unknown',
            reworkRate: 'unknown',
          },
        }),
      ),
    });
    renderPage(api);

    const df = await screen.findByRole('region', {
      name: 'Deployment frequency',
    });
    expect(within(df).getByText('0.7 / week')).toBeInTheDocument();
    expect(within(df).getByText('Insufficient data')).toBeInTheDocument();
    expect(
      within(df).getByText(/No comparison with the previous 30 days/),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Insufficient data')).toHaveLength(4);
    expect(card('Lead time for changes').getByText('—')).toBeInTheDocument();
  });

  it('shows how to send events when there is no data at all', async () => {
    const api = mockDoraApi({
      getMetrics: jest.fn(async () =>
        metricsResponse({ current: emptyFigures(), previous: emptyFigures() }),
      ),
      getDataQuality: jest.fn(async () => dataQuality()),
    });
    renderPage(api);

    expect(
      await screen.findByText('No DORA data for the organisation yet'),
    ).toBeInTheDocument();
    // A LinkButton: an anchor with the button role.
    expect(
      screen.getByRole('button', { name: 'How to send data' }),
    ).toHaveAttribute('href', '/dora/send-data');
    expect(
      await screen.findByText(
        /POST http:\/\/localhost:7007\/api\/dora\/events/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Deployment frequency' }),
    ).not.toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'InputError',
          message: 'from: must be before to',
        },
        request: { method: 'GET', url: '/api/dora/metrics' },
        response: { statusCode: 400 },
      }),
      { status: 400, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    const api = mockDoraApi({
      getMetrics: jest.fn(async () => {
        throw error;
      }),
    });
    renderPage(api);
    expect(
      await screen.findByText(
        'Error: Could not load DORA metrics: from: must be before to',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('400: InputError')).toBeInTheDocument();
  });

  it('asks for a team from the catalog and a window, then shows that team', async () => {
    const user = userEvent.setup();
    const api = renderPage(
      mockDoraApi({
        getMetrics: jest.fn(async query =>
          metricsResponse(
            query.scope === 'team'
              ? {
                  scope: 'team',
                  ref: query.ref,
                  owners: [
                    'group:default/payments-team',
                    'group:default/payments-risk',
                  ],
                }
              : {},
          ),
        ),
      }),
    );
    await screen.findByRole('region', { name: 'Deployment frequency' });

    await user.selectOptions(screen.getByLabelText('Scope'), 'team');
    expect(
      screen.getByText('Choose a team to see its DORA figures.'),
    ).toBeInTheDocument();

    await user.click(screen.getByLabelText('Team'));
    // Groups of type team only; the department is not offered.
    expect(screen.queryByText('engineering')).not.toBeInTheDocument();
    await user.click(await screen.findByText('Payments Team'));

    await waitFor(() =>
      expect(api.getMetrics).toHaveBeenLastCalledWith(
        expect.objectContaining({
          scope: 'team',
          ref: 'group:default/payments-team',
        }),
      ),
    );

    // The backend rolls the team up through its child groups; say which.
    expect(
      await screen.findByText(/Includes the groups below this team/),
    ).toBeInTheDocument();
    expect(screen.getByText('payments-risk')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: '90 days' }));
    await waitFor(() => {
      const query = api.getMetrics.mock.lastCall![0];
      expect(query.ref).toBe('group:default/payments-team');
      expect(
        Date.parse(String(query.to)) - Date.parse(String(query.from)),
      ).toBe(90 * DAY);
    });
    expect(
      (await screen.findAllByText(/than the previous 90 days/)).length,
    ).toBeGreaterThan(0);
  });

  it('opens the view a link names, and keeps the URL in step with the pickers', async () => {
    const user = userEvent.setup();
    const api = renderPage(
      undefined,
      '/dora?scope=team&team=group:default/payments-team&window=90&environment=staging',
    );
    await waitFor(() => {
      const query = api.getMetrics.mock.lastCall![0];
      expect(query).toMatchObject({
        scope: 'team',
        ref: 'group:default/payments-team',
        environment: 'staging',
      });
      expect(
        Date.parse(String(query.to)) - Date.parse(String(query.from)),
      ).toBe(90 * DAY);
    }, wait);
    await waitFor(
      () => expect(screen.getByLabelText('Team')).toHaveValue('Payments Team'),
      wait,
    );
    expect(screen.getByRole('button', { name: '90 days' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    await user.click(screen.getByRole('button', { name: '180 days' }));
    await waitFor(() => expect(url().get('window')).toBe('180'), wait);
    expect(url().get('team')).toBe('group:default/payments-team');
    expect(url().get('environment')).toBe('staging');

    await user.selectOptions(screen.getByLabelText('Scope'), 'org');
    await waitFor(() => expect(url().get('scope')).toBeNull(), wait);
    // A new scope starts from every production environment.
    expect(url().get('environment')).toBeNull();
  });

  it('falls back to the organisation and 30 days for a link it cannot show', async () => {
    const api = renderPage(undefined, '/dora?scope=galaxy&window=7');
    await screen.findByRole('region', { name: 'Deployment frequency' });
    const query = api.getMetrics.mock.lastCall![0];
    expect(query.scope).toBe('org');
    expect(Date.parse(String(query.to)) - Date.parse(String(query.from))).toBe(
      30 * DAY,
    );
  });

  it('opens a custom range a link names, its last day included', async () => {
    const api = renderPage(
      undefined,
      '/dora?scope=team&team=group:default/payments-team&from=2025-06-01&to=2025-08-31',
    );
    const range = expect.objectContaining({
      scope: 'team',
      ref: 'group:default/payments-team',
      from: '2025-06-01T00:00:00.000Z',
      to: '2025-09-01T00:00:00.000Z',
    });
    await waitFor(() => expect(api.getMetrics).toHaveBeenCalledWith(range));
    // The picker shows the range, not a preset.
    expect(
      screen.getByRole('button', { name: 'Custom range…' }),
    ).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByLabelText('From')).toHaveValue('2025-06-01');
    expect(screen.getByLabelText('To (included)')).toHaveValue('2025-08-31');
    // The backend compares with as many days before `from`: 92.
    expect(
      (await screen.findAllByText(/than the previous 92 days/, {}, wait))
        .length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByText(/compared with the 92 days before/),
    ).toBeInTheDocument();
    await waitFor(
      () =>
        expect(api.listDeployments).toHaveBeenCalledWith(range, { limit: 100 }),
      wait,
    );
  });

  it('applies a custom range picked in the UI and keeps it in the URL', async () => {
    const user = userEvent.setup();
    const api = renderPage();
    await screen.findByRole('region', { name: 'Deployment frequency' });

    await user.click(screen.getByRole('button', { name: 'Custom range…' }));
    // It starts from the window shown: the last 30 days, today included.
    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To (included)');
    expect(to).toHaveValue(new Date().toISOString().slice(0, 10));
    expect(
      screen.getByText(
        'UTC days, both included; compared with as many days before.',
      ),
    ).toBeInTheDocument();
    await user.clear(from);
    await user.type(from, '2025-06-01');
    await user.clear(to);
    await user.type(to, '2025-06-14');
    await user.click(screen.getByRole('button', { name: 'Apply' }));

    await waitFor(() => expect(url().get('from')).toBe('2025-06-01'), wait);
    expect(url().get('to')).toBe('2025-06-14');
    await waitFor(
      () =>
        expect(api.getMetrics).toHaveBeenLastCalledWith(
          expect.objectContaining({
            scope: 'org',
            from: '2025-06-01T00:00:00.000Z',
            to: '2025-06-15T00:00:00.000Z',
          }),
        ),
      wait,
    );
    expect(
      (await screen.findAllByText(/than the previous 14 days/, {}, wait))
        .length,
    ).toBeGreaterThan(0);

    // A preset replaces the range, in the URL too.
    await user.click(screen.getByRole('button', { name: '90 days' }));
    await waitFor(() => expect(url().get('window')).toBe('90'), wait);
    expect(url().get('from')).toBeNull();
    expect(url().get('to')).toBeNull();
    expect(screen.queryByLabelText('From')).not.toBeInTheDocument();
    expect(
      (await screen.findAllByText(/than the previous 90 days/, {}, wait))
        .length,
    ).toBeGreaterThan(0);
  });

  it('says what is wrong with a range and does not query it', async () => {
    const user = userEvent.setup();
    const api = renderPage();
    await screen.findByRole('region', { name: 'Deployment frequency' });
    const queries = api.getMetrics.mock.calls.length;

    await user.click(screen.getByRole('button', { name: 'Custom range…' }));
    const range = within(screen.getByRole('form', { name: 'Custom range' }));
    const to = range.getByLabelText('To (included)');
    await user.clear(range.getByLabelText('From'));
    await user.type(range.getByLabelText('From'), '2025-07-01');
    await user.clear(to);
    await user.type(to, '2025-06-01');
    expect(range.getByRole('alert')).toHaveTextContent(
      'The start date must be on or before the end date.',
    );
    expect(range.getByRole('button', { name: 'Apply' })).toBeDisabled();
    // Enter does not apply it either.
    await user.type(to, '{Enter}');

    await user.clear(to);
    await user.type(to, '2999-01-01');
    expect(range.getByRole('alert')).toHaveTextContent(
      /^The end date cannot be in the future \(today is \d{4}-\d{2}-\d{2} UTC\)\.$/,
    );
    expect(range.getByRole('button', { name: 'Apply' })).toBeDisabled();

    expect(api.getMetrics).toHaveBeenCalledTimes(queries);
    expect(url().get('from')).toBeNull();
    expect(url().get('to')).toBeNull();
  });

  it('falls back to 30 days for a range in a link it cannot show', async () => {
    const api = renderPage(undefined, '/dora?from=2025-08-01&to=2025-06-01');
    await screen.findByRole('region', { name: 'Deployment frequency' });
    const query = api.getMetrics.mock.lastCall![0];
    expect(Date.parse(String(query.to)) - Date.parse(String(query.from))).toBe(
      30 * DAY,
    );
    expect(screen.getByRole('button', { name: '30 days' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(screen.queryByLabelText('From')).not.toBeInTheDocument();
  });

  it('counts one environment when picked, and says so', async () => {
    const user = userEvent.setup();
    const api = renderPage(
      mockDoraApi({
        getMetrics: jest.fn(async query =>
          metricsResponse(
            query.environment
              ? { target: { environment: query.environment } }
              : {},
          ),
        ),
      }),
    );
    await screen.findByRole('region', { name: 'Deployment frequency' });
    expect(
      screen.getByText(/Figures count deployments to production-tier/),
    ).toBeInTheDocument();
    const picker = screen.getByLabelText('Environment');
    expect(picker).toHaveDisplayValue('All production environments');
    expect(api.getEnvironments).toHaveBeenCalledWith({
      scope: 'org',
      ref: undefined,
    });

    await screen.findByRole('option', { name: 'staging (staging)' }, wait);
    await user.selectOptions(picker, 'staging');

    expect(
      await screen.findByText(
        /Figures count deployments to the environment staging\./,
        {},
        wait,
      ),
    ).toBeInTheDocument();
    expect(
      card('Deployment frequency').getByText(
        '45 deployments to staging on 20 days',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /read "production deployment" below as "successful deployment to staging"/,
      ),
    ).toBeInTheDocument();
    const picked = expect.objectContaining({
      scope: 'org',
      environment: 'staging',
    });
    expect(api.getMetrics).toHaveBeenLastCalledWith(picked);
    expect(api.getDataQuality).toHaveBeenLastCalledWith(picked);
    await waitFor(
      () =>
        expect(api.listDeployments).toHaveBeenLastCalledWith(picked, {
          limit: 100,
        }),
      wait,
    );

    // Another scope has other environments: back to the default.
    await user.selectOptions(screen.getByLabelText('Scope'), 'team');
    await user.selectOptions(screen.getByLabelText('Scope'), 'org');
    expect(await screen.findByLabelText('Environment')).toHaveDisplayValue(
      'All production environments',
    );
    await waitFor(
      () =>
        expect(api.getMetrics.mock.lastCall![0].environment).toBeUndefined(),
      wait,
    );
  });

  it('offers services (not websites) and drills down to the changes behind lead time', async () => {
    const user = userEvent.setup();
    const api = mockDoraApi({
      listChanges: jest.fn(async () => ({
        items: [
          {
            id: '7',
            service: 'component:default/orders-service',
            owner: 'group:default/payments-team',
            commitSha: '3f2a9c1deadbeef',
            prNumber: 42,
            authoredAt: '2026-02-02T09:00:00Z',
            firstPushedAt: null,
            prOpenedAt: '2026-02-02T10:00:00Z',
            mergedAt: '2026-02-02T15:00:00Z',
            squashMerge: true,
            deploymentId: '3',
            deployedAt: '2026-02-02T16:00:00Z',
          },
        ],
        truncated: false,
      })),
    });
    renderPage(api);
    await screen.findByRole('region', { name: 'Deployment frequency' });

    await user.selectOptions(screen.getByLabelText('Scope'), 'service');
    await user.click(screen.getByLabelText('Service'));
    expect(screen.queryByText('storefront-web')).not.toBeInTheDocument();
    await user.click(await screen.findByText('orders-service'));
    await screen.findByRole('region', { name: 'Lead time for changes' });

    await user.click(
      card('Lead time for changes').getByRole('button', {
        name: 'Show changes',
      }),
    );
    const table = await screen.findByRole('table', { name: 'Changes' });
    expect(within(table).getByText('3f2a9c1d')).toBeInTheDocument();
    expect(within(table).getByText('#42')).toBeInTheDocument();
    expect(
      within(table).getByText('6 h (from PR open, squash merge)'),
    ).toBeInTheDocument();
    expect(api.listChanges).toHaveBeenCalledWith(
      expect.objectContaining({
        scope: 'service',
        ref: 'component:default/orders-service',
      }),
      { limit: 100 },
    );
  });
});
