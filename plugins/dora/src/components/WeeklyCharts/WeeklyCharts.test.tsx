import { renderInTestApp } from '@backstage/frontend-test-utils';
import { DoraWeek } from '@internal/plugin-dora-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { WeeklyCharts } from './WeeklyCharts';

const HOUR = 3600_000;

const week = (
  weekStart: string,
  deployments: number,
  failedDeployments: number,
  leadTimeMedianMs: number | null,
): DoraWeek => ({
  weekStart,
  deployments,
  failedDeployments,
  leadTimeMedianMs,
});

function chart(name: string) {
  return within(screen.getByRole('img', { name }));
}

// Waits allow 20 s on a busy machine; the tests must be allowed as long.
jest.setTimeout(60_000);

describe('WeeklyCharts', () => {
  // setupTests gives the charts' containers a size, so recharts draws the
  // series instead of an empty chart.
  it('stacks deployments that needed intervention on the others, and plots lead time in hours', async () => {
    await renderInTestApp(
      <WeeklyCharts
        weekly={[
          week('2026-02-01T00:00:00.000Z', 10, 1, 6 * HOUR),
          week('2026-02-08T00:00:00.000Z', 12, 0, null),
        ]}
      />,
    );

    const deployments = chart('Production deployments per week');
    expect(deployments.getByText('Deployments')).toBeInTheDocument();
    expect(deployments.getByText('Needed intervention')).toBeInTheDocument();

    expect(
      screen.getByText(
        'In hours; commits by the week their first production deployment finished',
      ),
    ).toBeInTheDocument();
    const leadTime = chart('Median lead time per week');
    expect(leadTime.getByText('Median lead time (hours)')).toBeInTheDocument();
    // Hovering the first week shows its median, formatted.
    fireEvent.mouseMove(
      screen
        .getByRole('img', { name: 'Median lead time per week' })
        .querySelector('.recharts-wrapper')!,
      { clientX: 80, clientY: 100 },
    );
    expect(
      await leadTime.findByText('6 h', {}, { timeout: 20_000 }),
    ).toBeInTheDocument();
  });

  it('switches lead time to days when a week takes three days or more', async () => {
    await renderInTestApp(
      <WeeklyCharts
        weekly={[week('2026-02-01T00:00:00.000Z', 3, 0, 3 * 24 * HOUR)]}
      />,
    );

    expect(
      chart('Median lead time per week').getByText('Median lead time (days)'),
    ).toBeInTheDocument();
  });

  it('says so instead of an empty lead time chart when nothing was deployed', async () => {
    await renderInTestApp(
      <WeeklyCharts weekly={[week('2026-02-01T00:00:00.000Z', 0, 0, null)]} />,
    );

    expect(
      screen.getByText('No deployed changes in this window.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('img', { name: 'Median lead time per week' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Production deployments per week' }),
    ).toBeInTheDocument();
  });
  it('names the environment when the figures count one', async () => {
    await renderInTestApp(
      <WeeklyCharts
        weekly={[week('2026-02-01T00:00:00.000Z', 3, 0, 6 * HOUR)]}
        target={{ environment: 'staging' }}
      />,
    );
    expect(
      screen.getByRole('img', { name: 'Deployments to staging per week' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'In hours; commits by the week their first deployment to staging finished',
      ),
    ).toBeInTheDocument();
  });
});
