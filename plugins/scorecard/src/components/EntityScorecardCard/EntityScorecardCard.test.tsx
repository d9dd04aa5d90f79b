import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { SCORE_FORMULA } from '@internal/plugin-scorecard-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  check,
  history,
  levels,
  mockScorecardApi,
  scorecard,
} from '../../__testUtils__/fixtures';
import { renderEntityCard } from '../../__testUtils__/renderEntityCard';
import { EntityScorecardCard } from './EntityScorecardCard';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', title: 'Orders service' },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
};

const renderCard = (api = mockScorecardApi()) =>
  renderEntityCard(service, <EntityScorecardCard />, { api });

function checkRow(title: string) {
  return within(screen.getByRole('listitem', { name: title }));
}

async function errorResponse(status: number, name: string, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        request: { method: 'GET', url: '/api/scorecard' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

describe('EntityScorecardCard', () => {
  it('flags a failing critical check above everything else, whatever the score', async () => {
    const api = await renderCard();

    const flag = await screen.findByRole('alert');
    expect(flag).toHaveTextContent('Failing a critical check');
    expect(flag).toHaveTextContent('CI passes on the default branch');
    expect(api.getEntityScorecard).toHaveBeenCalledWith(
      'component:default/orders-service',
    );

    expect(screen.getByLabelText('Score')).toHaveTextContent('56 %');
    expect(
      screen.getByText('10 of 18 applicable weight passed'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Level')).toHaveTextContent('No level');
    expect(
      screen.getByText(/weight 4 left out for no data or errors/),
    ).toBeInTheDocument();
  });

  it('shows the failing check with why, facts, age, weight and how to fix it, first in the list', async () => {
    await renderCard();
    await screen.findByRole('alert');

    const rows = within(
      screen.getByRole('list', { name: 'Checks' }),
    ).getAllByRole('listitem');
    expect(rows[0]).toHaveAccessibleName('CI passes on the default branch');

    const ci = checkRow('CI passes on the default branch');
    expect(ci.getByText('Fail')).toBeInTheDocument();
    expect(ci.getByText('Weight: critical (8)')).toBeInTheDocument();
    expect(
      ci.getByText('Why: latest workflow run on main concluded failure'),
    ).toBeInTheDocument();
    expect(
      ci.getByText('Facts: github.latestRun.conclusion = failure'),
    ).toBeInTheDocument();
    expect(ci.getByText(/Facts collected: github 3 h ago/)).toBeInTheDocument();
    expect(
      ci.getByText(/How to fix: Fix the failing workflow/),
    ).toBeInTheDocument();
    expect(ci.getByRole('link', { name: /Read more/ })).toHaveAttribute(
      'href',
      'https://wiki.example/ci',
    );
  });

  it('shows every state with its own icon and label; no data is neither pass nor fail', async () => {
    await renderCard();
    await screen.findByRole('alert');

    const expected: Array<[string, string, string]> = [
      ['CI passes on the default branch', 'fail', 'Fail'],
      ['Owned by a real team', 'pass', 'Pass'],
      ['Has TechDocs', 'no_data', 'No data'],
      ['Has on-call', 'exempt', 'Exempt'],
      ['Databases are backed up', 'not_applicable', 'Not applicable'],
      ['Has cost tags', 'warn', 'Warning'],
      ['A broken check', 'error', 'Error'],
    ];
    for (const [title, state, label] of expected) {
      const row = screen.getByRole('listitem', { name: title });
      expect(within(row).getByText(label)).toBeInTheDocument();
      const icons = row.querySelectorAll(`svg[data-state="${state}"]`);
      expect(icons.length).toBeGreaterThan(0);
    }

    const techdocs = checkRow('Has TechDocs');
    expect(techdocs.queryByText('Pass')).not.toBeInTheDocument();
    expect(techdocs.queryByText('Fail')).not.toBeInTheDocument();
    expect(techdocs.getByText('No facts collected')).toBeInTheDocument();
  });

  it('marks stale results with their last known state', async () => {
    await renderCard();
    await screen.findByRole('alert');
    const monitoring = checkRow('Has monitoring');
    expect(monitoring.getByText('No data')).toBeInTheDocument();
    expect(
      monitoring.getByText('Stale (last known: pass)'),
    ).toBeInTheDocument();
  });

  it('says who exempted a check, why and until when', async () => {
    await renderCard();
    await screen.findByRole('alert');
    expect(
      checkRow('Has on-call').getByText(
        'Exempt until 2027-03-31: batch job, nobody is paged (approved by user:default/jane)',
      ),
    ).toBeInTheDocument();
    expect(
      checkRow('Has cost tags').getByText('Enforced from 2027-01-01'),
    ).toBeInTheDocument();
  });

  it('states the formula and draws the score history', async () => {
    const api = await renderCard();
    await screen.findByRole('alert');
    expect(
      screen.getByText(`How the score is computed: ${SCORE_FORMULA}`),
    ).toBeInTheDocument();
    const sparkline = await screen.findByRole('img', {
      name: /Score over 6 days: 100 % on 2026-11-20, 56 % on 2026-11-25/,
    });
    expect(sparkline.querySelector('path')).toBeInTheDocument();
    expect(api.getEntityHistory).toHaveBeenCalledWith(
      'component:default/orders-service',
      { days: 90 },
    );
  });

  it('shows a passing entity at its level without a flag', async () => {
    await renderCard(
      mockScorecardApi({
        getEntityScorecard: jest.fn(async () =>
          scorecard({
            score: 1,
            level: 'gold',
            criticalFailing: false,
            passedWeight: 8,
            applicableWeight: 8,
            unknownWeight: 0,
            levels,
            checks: [check({ checkId: 'has-owner', weight: 'critical' })],
          }),
        ),
        getEntityHistory: jest.fn(async () => history({ snapshots: [] })),
      }),
    );
    expect(await screen.findByLabelText('Level')).toHaveTextContent('Gold');
    expect(screen.getByLabelText('Score')).toHaveTextContent('100 %');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(
      await screen.findByText('No score history yet.'),
    ).toBeInTheDocument();
  });

  it('re-evaluates on demand and shows the new result', async () => {
    const user = userEvent.setup();
    const api = mockScorecardApi({
      evaluateEntity: jest.fn(async () =>
        scorecard({
          score: 1,
          level: 'gold',
          criticalFailing: false,
          checks: [
            check({
              checkId: 'ci-passing',
              title: 'CI passes on the default branch',
              weight: 'critical',
            }),
          ],
        }),
      ),
    });
    await renderCard(api);
    await screen.findByRole('alert');

    await user.click(screen.getByRole('button', { name: 'Re-evaluate' }));

    await waitFor(() =>
      expect(screen.queryByRole('alert')).not.toBeInTheDocument(),
    );
    expect(api.evaluateEntity).toHaveBeenCalledWith(
      'component:default/orders-service',
    );
    expect(screen.getByLabelText('Level')).toHaveTextContent('Gold');
    expect(
      checkRow('CI passes on the default branch').getByText('Pass'),
    ).toBeInTheDocument();
    // The history is read again after the evaluation.
    await waitFor(() => expect(api.getEntityHistory).toHaveBeenCalledTimes(2));
  });

  it('offers to evaluate an entity that was never evaluated', async () => {
    const user = userEvent.setup();
    const api = mockScorecardApi({
      getEntityScorecard: jest.fn(async () => undefined),
    });
    await renderCard(api);

    expect(await screen.findByText('Not evaluated yet')).toBeInTheDocument();
    expect(screen.queryByLabelText('Score')).not.toBeInTheDocument();
    expect(api.getEntityHistory).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Evaluate now' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Failing a critical check',
    );
  });

  it('shows a backend error in a response error panel', async () => {
    const error = await errorResponse(
      403,
      'NotAllowedError',
      'not allowed to read the scorecard',
    );
    await renderCard(
      mockScorecardApi({
        getEntityScorecard: jest.fn(async () => {
          throw error;
        }),
      }),
    );
    expect(
      await screen.findByText(/not allowed to read the scorecard/),
    ).toBeInTheDocument();
    expect(screen.getByText('403: NotAllowedError')).toBeInTheDocument();
  });

  it('shows why an evaluation failed and keeps the last result', async () => {
    const user = userEvent.setup();
    const error = await errorResponse(
      404,
      'NotFoundError',
      'Entity component:default/orders-service is not in the catalog',
    );
    await renderCard(
      mockScorecardApi({
        evaluateEntity: jest.fn(async () => {
          throw error;
        }),
      }),
    );
    await screen.findByRole('alert');
    await user.click(screen.getByRole('button', { name: 'Re-evaluate' }));
    expect(
      await screen.findByText(
        'Error: Could not evaluate component:default/orders-service: Entity component:default/orders-service is not in the catalog',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('404: NotFoundError')).toBeInTheDocument();
    expect(screen.getByLabelText('Score')).toHaveTextContent('56 %');
  });

  it('grants an exemption for a failing check and reads the result again', async () => {
    const user = userEvent.setup();
    const api = mockScorecardApi();
    await renderCard(api);
    await screen.findByRole('alert');
    // Only failing and warning checks offer it.
    expect(
      screen.queryByRole('button', { name: 'Exempt Owned by a real team' }),
    ).not.toBeInTheDocument();

    await user.click(
      screen.getByRole('button', {
        name: 'Exempt CI passes on the default branch',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const grant = dialog.getByRole('button', { name: 'Grant exemption' });
    expect(grant).toBeDisabled();
    await user.type(dialog.getByLabelText('Reason'), 'CI is being migrated');
    fireEvent.change(dialog.getByLabelText('Expires on'), {
      target: { value: '2027-02-01' },
    });
    await user.click(grant);

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.createWaiver).toHaveBeenCalledWith({
      entityRef: 'component:default/orders-service',
      checkId: 'ci-passing',
      reason: 'CI is being migrated',
      expiresAt: '2027-02-01T00:00:00Z',
    });
    await waitFor(() =>
      expect(api.getEntityScorecard).toHaveBeenCalledTimes(2),
    );
  });

  it('shows why an exemption was refused', async () => {
    const user = userEvent.setup();
    const error = await errorResponse(
      403,
      'NotAllowedError',
      'Not allowed to grant waivers for component:default/orders-service',
    );
    await renderCard(
      mockScorecardApi({
        createWaiver: jest.fn(async () => {
          throw error;
        }),
      }),
    );
    await screen.findByRole('alert');
    await user.click(
      screen.getByRole('button', { name: 'Exempt Has cost tags' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await user.type(dialog.getByLabelText('Reason'), 'no cost centre yet');
    await user.click(dialog.getByRole('button', { name: 'Grant exemption' }));
    expect(await dialog.findByText('403: NotAllowedError')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
