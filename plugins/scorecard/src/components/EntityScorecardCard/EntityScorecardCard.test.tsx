import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { SCORE_FORMULA } from '@internal/plugin-scorecard-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  check,
  history,
  hoursAgo,
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

/** The toggle of the fixture's folded checks. */
const OTHERS_TOGGLE =
  '1 passing check · 2 no data · 1 exempt · 1 not applicable';

const renderCard = (api = mockScorecardApi()) =>
  renderEntityCard(service, <EntityScorecardCard />, { api });

/**
 * Waits until the card shows a scorecard and its history: the last thing it
 * loads. The first render of a file is slow (cold modules, styles), hence
 * more than findBy's 1 s.
 */
async function historyLoaded() {
  await screen.findByLabelText(/^Score over/, {}, { timeout: 5_000 });
}

/** Renders the card and waits until the scorecard and its history are in. */
async function renderLoadedCard(api = mockScorecardApi()) {
  renderCard(api);
  await historyLoaded();
  return api;
}

function checkRow(title: string) {
  return within(screen.getByRole('listitem', { name: title }));
}

function failingTitles() {
  return within(screen.getByRole('list', { name: 'Failing checks' }))
    .getAllByRole('listitem')
    .map(row => row.getAttribute('aria-label'));
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

// Rendering the whole card with Material UI is slow on a busy CI machine.
jest.setTimeout(20_000);

describe('EntityScorecardCard', () => {
  it('heads the card with the critical flag, score, level and history', async () => {
    const api = await renderLoadedCard();

    const flag = screen.getByRole('alert');
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
    expect(
      screen.getByRole('img', {
        name: /Score over 6 days: 100 % on 2026-11-20, 56 % on 2026-11-25/,
      }),
    ).toBeInTheDocument();
    expect(api.getEntityHistory).toHaveBeenCalledWith(
      'component:default/orders-service',
      { days: 90 },
    );
    expect(screen.getByText('How the score is computed')).toBeInTheDocument();
    expect(screen.getByText(SCORE_FORMULA)).toBeInTheDocument();
  });

  it('lists the failing checks first, each with its severity, why and how to fix it', async () => {
    await renderLoadedCard();

    // Failures, then a warning (not enforced yet), then an error.
    expect(failingTitles()).toEqual([
      'CI passes on the default branch',
      'Has cost tags',
      'A broken check',
    ]);

    const ci = checkRow('CI passes on the default branch');
    expect(ci.getByText('Critical')).toBeInTheDocument();
    expect(
      ci.getByText('Why: latest workflow run on main concluded failure'),
    ).toBeInTheDocument();
    expect(
      ci.getByText(
        /How to fix: Fix the failing workflow on the default branch\./,
      ),
    ).toBeInTheDocument();
    expect(ci.getByRole('link', { name: /^Read more/ })).toHaveAttribute(
      'href',
      'https://wiki.example/ci',
    );

    const costTags = checkRow('Has cost tags');
    expect(costTags.getByText('Low')).toBeInTheDocument();
    expect(
      costTags.getByText('Warning: enforced from 2027-01-01'),
    ).toBeInTheDocument();
    expect(
      costTags.getByText('How to fix: Add paved-road.io/cost-center.'),
    ).toBeInTheDocument();

    // The passing check is folded away, below the failing ones.
    expect(screen.queryByText('Owned by a real team')).not.toBeInTheDocument();
    const toggle = screen.getByRole('button', { name: OTHERS_TOGGLE });
    const lastFailing = screen.getByRole('listitem', {
      name: 'A broken check',
    });
    expect(
      lastFailing.compareDocumentPosition(toggle) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it('orders failing checks critical, high, medium, low', async () => {
    renderCard(
      mockScorecardApi({
        getEntityScorecard: jest.fn(async () =>
          scorecard({
            checks: [
              check({
                checkId: 'l',
                title: 'Low one',
                weight: 'low',
                state: 'fail',
              }),
              check({ checkId: 'p', title: 'Passing one', weight: 'critical' }),
              check({
                checkId: 'm',
                title: 'Medium one',
                weight: 'medium',
                state: 'fail',
              }),
              check({
                checkId: 'c',
                title: 'Critical one',
                weight: 'critical',
                state: 'fail',
              }),
              check({
                checkId: 'h',
                title: 'High one',
                weight: 'high',
                state: 'fail',
              }),
            ],
          }),
        ),
      }),
    );
    await historyLoaded();

    expect(screen.getByText('4 checks to fix')).toBeInTheDocument();
    expect(failingTitles()).toEqual([
      'Critical one',
      'High one',
      'Medium one',
      'Low one',
    ]);
    expect(
      screen.getByRole('button', { name: '1 passing check' }),
    ).toBeInTheDocument();
  });

  it('folds passing, exempt, no-data and not-applicable checks behind one toggle, a line each', async () => {
    const user = userEvent.setup();
    await renderLoadedCard();

    const toggle = screen.getByRole('button', { name: OTHERS_TOGGLE });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    for (const title of [
      'Owned by a real team',
      'Has TechDocs',
      'Has monitoring',
      'Has on-call',
      'Databases are backed up',
    ]) {
      expect(screen.queryByText(title)).not.toBeInTheDocument();
    }

    await user.click(toggle);

    const others = await screen.findByRole('list', { name: 'Other checks' });
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(
      within(others)
        .getAllByRole('listitem')
        .map(row => row.getAttribute('aria-label')),
    ).toEqual([
      // No data first (worth a look), then exempt, passing, not applicable.
      'Has monitoring',
      'Has TechDocs',
      'Has on-call',
      'Owned by a real team',
      'Databases are backed up',
    ]);
    const expected: Array<[string, string, string]> = [
      ['Owned by a real team', 'pass', 'Pass'],
      ['Has TechDocs', 'no_data', 'No data'],
      ['Has on-call', 'exempt', 'Exempt'],
      ['Databases are backed up', 'not_applicable', 'Not applicable'],
    ];
    for (const [title, state, label] of expected) {
      const row = within(others).getByRole('listitem', { name: title });
      expect(within(row).getByText(label)).toBeInTheDocument();
      expect(row.querySelector(`svg[data-state="${state}"]`)).not.toBeNull();
    }
    // No data is neither a pass nor a fail, and says why.
    const techdocs = checkRow('Has TechDocs');
    expect(techdocs.queryByText('Pass')).not.toBeInTheDocument();
    expect(techdocs.queryByText('Fail')).not.toBeInTheDocument();
    expect(
      techdocs.getByText('TechDocs backend unreachable'),
    ).toBeInTheDocument();
    expect(
      checkRow('Has monitoring').getByText(/^Stale \(last known: pass\)/),
    ).toBeInTheDocument();
    expect(
      checkRow('Has on-call').getByText(
        'until 2027-03-31: batch job, nobody is paged (approved by user:default/jane)',
      ),
    ).toBeInTheDocument();
    // Only failing and warning checks can be exempted.
    expect(
      screen.queryByRole('button', { name: 'Exempt Owned by a real team' }),
    ).not.toBeInTheDocument();

    await user.click(toggle);
    await waitFor(() =>
      expect(
        screen.queryByText('Owned by a real team'),
      ).not.toBeInTheDocument(),
    );
  });

  it('shows the raw facts of a check only once asked', async () => {
    const user = userEvent.setup();
    await renderLoadedCard();

    const ci = checkRow('CI passes on the default branch');
    expect(
      screen.queryByText('github.latestRun.conclusion'),
    ).not.toBeInTheDocument();
    expect(screen.queryByText(/Collected:/)).not.toBeInTheDocument();

    await user.click(ci.getByRole('button', { name: 'Show facts' }));

    const facts = await screen.findByRole('region', {
      name: 'Facts of CI passes on the default branch',
    });
    expect(
      within(facts).getByText('github.latestRun.conclusion'),
    ).toBeInTheDocument();
    expect(within(facts).getByText('failure')).toBeInTheDocument();
    expect(
      within(facts).getByText(/^Collected: github 3 h ago \(/),
    ).toBeInTheDocument();
    expect(ci.getByRole('button', { name: 'Hide facts' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    // Only that check's facts.
    expect(screen.getAllByRole('region', { name: /^Facts of/ })).toHaveLength(
      1,
    );

    await user.click(ci.getByRole('button', { name: 'Hide facts' }));
    await waitFor(() =>
      expect(
        screen.queryByText('github.latestRun.conclusion'),
      ).not.toBeInTheDocument(),
    );
  });

  it('shows a passing entity at its level, without a flag or anything to fix', async () => {
    renderCard(
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
    expect(
      await screen.findByText('No score history yet.'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Level')).toHaveTextContent('Gold');
    expect(screen.getByLabelText('Score')).toHaveTextContent('100 %');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(
      screen.getByText('Nothing to fix: no check fails.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Failing checks' }),
    ).not.toBeInTheDocument();
  });

  it('re-evaluates on demand and shows the new result', async () => {
    const user = userEvent.setup();
    const api = mockScorecardApi({
      evaluateEntity: jest.fn(async () =>
        scorecard({
          score: 1,
          level: 'gold',
          criticalFailing: false,
          evaluatedAt: hoursAgo(0),
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
    await renderLoadedCard(api);

    await user.click(screen.getByRole('button', { name: 'Re-evaluate' }));

    expect(
      await screen.findByText('Nothing to fix: no check fails.'),
    ).toBeInTheDocument();
    expect(api.evaluateEntity).toHaveBeenCalledWith(
      'component:default/orders-service',
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Level')).toHaveTextContent('Gold');
    // The history is read again for the new evaluation.
    await waitFor(() => expect(api.getEntityHistory).toHaveBeenCalledTimes(2));
    await historyLoaded();
  });

  it('offers to evaluate an entity that was never evaluated', async () => {
    const user = userEvent.setup();
    const api = mockScorecardApi({
      getEntityScorecard: jest.fn(async () => undefined),
    });
    renderCard(api);

    expect(await screen.findByText('Not evaluated yet')).toBeInTheDocument();
    expect(screen.queryByLabelText('Score')).not.toBeInTheDocument();
    expect(api.getEntityHistory).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Evaluate now' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Failing a critical check',
    );
    await historyLoaded();
  });

  it('shows a backend error in a response error panel', async () => {
    const error = await errorResponse(
      403,
      'NotAllowedError',
      'not allowed to read the scorecard',
    );
    renderCard(
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
    await renderLoadedCard(
      mockScorecardApi({
        evaluateEntity: jest.fn(async () => {
          throw error;
        }),
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Re-evaluate' }));
    expect(
      await screen.findByText(
        'Error: Could not evaluate component:default/orders-service: Entity component:default/orders-service is not in the catalog',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('404: NotFoundError')).toBeInTheDocument();
    expect(screen.getByLabelText('Score')).toHaveTextContent('56 %');
    expect(
      screen.getByRole('button', { name: 'Re-evaluate' }),
    ).not.toBeDisabled();
  });

  it('grants an exemption for a failing check and shows the check exempt', async () => {
    const user = userEvent.setup();
    const exempted = scorecard({
      criticalFailing: false,
      evaluatedAt: hoursAgo(0),
      checks: [
        check({
          checkId: 'ci-passing',
          title: 'CI passes on the default branch',
          weight: 'critical',
          state: 'exempt',
          reason: 'waived: CI is being migrated',
        }),
      ],
    });
    const api = mockScorecardApi({
      getEntityScorecard: jest
        .fn()
        .mockResolvedValueOnce(scorecard())
        .mockResolvedValue(exempted),
    });
    await renderLoadedCard(api);

    await user.click(
      screen.getByRole('button', {
        name: 'Exempt CI passes on the default branch',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const grant = dialog.getByRole('button', { name: 'Grant exemption' });
    expect(grant).toBeDisabled();
    await user.click(dialog.getByLabelText('Reason'));
    await user.paste('CI is being migrated');
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
    // Read again: the check is no longer among those to fix.
    expect(
      await screen.findByText('Nothing to fix: no check fails.'),
    ).toBeInTheDocument();
    expect(api.getEntityScorecard).toHaveBeenCalledTimes(2);
    expect(
      screen.getByRole('button', { name: '1 exempt' }),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.getEntityHistory).toHaveBeenCalledTimes(2));
    await historyLoaded();
  });

  it('shows why an exemption was refused', async () => {
    const user = userEvent.setup();
    const error = await errorResponse(
      403,
      'NotAllowedError',
      'Not allowed to grant waivers for component:default/orders-service',
    );
    await renderLoadedCard(
      mockScorecardApi({
        createWaiver: jest.fn(async () => {
          throw error;
        }),
      }),
    );
    await user.click(
      screen.getByRole('button', { name: 'Exempt Has cost tags' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await user.click(dialog.getByLabelText('Reason'));
    await user.paste('no cost centre yet');
    await user.click(dialog.getByRole('button', { name: 'Grant exemption' }));
    expect(await dialog.findByText('403: NotAllowedError')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(
      dialog.getByRole('button', { name: 'Grant exemption' }),
    ).not.toBeDisabled();
  });
});
