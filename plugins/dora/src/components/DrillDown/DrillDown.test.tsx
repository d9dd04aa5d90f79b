import { renderInTestApp } from '@backstage/frontend-test-utils';
import { DoraDeploymentRow } from '@internal/plugin-dora-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { doraApiRef } from '../../api';
import { mockDoraApi } from '../../__testUtils__/fixtures';
import { DrillDown } from './DrillDown';

/** The n-th newest of a service's production deployments. */
function deployment(n: number): DoraDeploymentRow {
  return {
    id: `d${n}`,
    idempotencyKey: `deploy-${n}`,
    service: 'component:default/orders-service',
    owner: 'group:default/fulfilment-team',
    environment: 'production',
    environmentTier: 'production',
    status: 'success',
    kind: 'regular',
    rollbackInferred: false,
    startedAt: null,
    finishedAt: new Date(Date.UTC(2026, 2, 1) - n * 3600_000).toISOString(),
    commitSha: String(n).padStart(8, '0').padEnd(40, 'f'),
    source: 'api',
    externalId: null,
    failed: false,
  };
}

jest.setTimeout(60_000);

describe('DrillDown', () => {
  it('shows the deployments a page of 20 at a time, newest first', async () => {
    const api = mockDoraApi({
      listDeployments: jest.fn(async () => ({
        items: Array.from({ length: 45 }, (_, i) => deployment(i + 1)),
        truncated: false,
      })),
    });
    renderInTestApp(
      <DrillDown
        query={{
          scope: 'service',
          ref: 'component:default/orders-service',
          from: '2026-02-01T00:00:00.000Z',
          to: '2026-03-03T00:00:00.000Z',
        }}
        tab="deployments"
        onTabChange={() => {}}
      />,
      { apis: [[doraApiRef, api]] },
    );

    const table = await screen.findByRole('table');
    // A header row and 20 deployments, the newest (d1) first.
    expect(within(table).getAllByRole('row')).toHaveLength(21);
    expect(within(table).getByText('00000001')).toBeInTheDocument();
    expect(screen.getByText('1-20 of 45')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('21-40 of 45')).toBeInTheDocument();
    expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(
      21,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('41-45 of 45')).toBeInTheDocument();
    expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(
      6,
    );
  });

  it('tells an inferred rollback from a declared one', async () => {
    const api = mockDoraApi({
      listDeployments: jest.fn(async () => ({
        items: [
          {
            ...deployment(1),
            kind: 'rollback' as const,
            rollbackInferred: true,
          },
          { ...deployment(2), failed: true },
          { ...deployment(3), kind: 'rollback' as const },
        ],
        truncated: false,
      })),
    });
    renderInTestApp(
      <DrillDown
        query={{
          scope: 'service',
          ref: 'component:default/orders-service',
          from: '2026-02-01T00:00:00.000Z',
          to: '2026-03-03T00:00:00.000Z',
        }}
        tab="deployments"
        onTabChange={() => {}}
      />,
      { apis: [[doraApiRef, api]] },
    );

    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(
      within(rows[1]).getByText('rollback (inferred)'),
    ).toBeInTheDocument();
    expect(within(rows[2]).getByText('regular')).toBeInTheDocument();
    expect(within(rows[3]).getByText('rollback')).toBeInTheDocument();
  });
});
