import { Entity } from '@backstage/catalog-model';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import {
  list,
  mockScorecardApi,
  summary,
  team,
  teams,
} from '../../__testUtils__/fixtures';
import { renderEntityCard } from '../../__testUtils__/renderEntityCard';
import { rootRouteRef } from '../../routes';
import { EntityTeamScorecardCard } from './EntityTeamScorecardCard';

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments-team', title: 'Payments Team' },
  spec: { type: 'team', children: [] },
};

const renderCard = (api = mockScorecardApi()) =>
  renderEntityCard(group, <EntityTeamScorecardCard />, {
    api,
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/scorecard': rootRouteRef,
    },
  });

describe('EntityTeamScorecardCard', () => {
  it('shows the team figures, its critical failures and worst checks', async () => {
    const api = renderCard(
      mockScorecardApi({
        getTeams: jest.fn(async () =>
          teams([
            team({ owner: 'group:default/other' }),
            team({
              owner: 'group:default/payments-team',
              entityCount: 3,
              averageScore: 0.7,
              criticalFailingCount: 1,
              failingChecks: { 'ci-passing': 1, 'has-techdocs': 2 },
              direct: {
                entityCount: 2,
                scoredCount: 2,
                averageScore: 0.6,
                criticalFailingCount: 1,
                failingChecks: {},
              },
            }),
          ]),
        ),
        listEntities: jest.fn(async () =>
          list([
            summary({
              name: 'orders-service',
              title: 'Orders service',
              score: 0.5,
              criticalFailing: true,
              failingChecks: ['ci-passing'],
            }),
          ]),
        ),
      }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      '1 of 3 services failing a critical check',
    );
    expect(screen.getByLabelText('Average score')).toHaveTextContent('70 %');
    expect(
      screen.getByText('Has TechDocs (2), CI passes on the default branch (1)'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Orders service' }),
    ).toHaveAttribute('href', '/catalog/default/component/orders-service');
    expect(screen.getByText(/Includes sub-teams: 2 of 3/)).toBeInTheDocument();
    expect(api.listEntities).toHaveBeenCalledWith({
      owner: ['group:default/payments-team'],
      criticalFailing: true,
      limit: 10,
    });
    expect(
      screen.getByRole('link', { name: /All services on the scorecard/ }),
    ).toHaveAttribute('href', '/scorecard');
  });

  it("says when none of the team's services has been evaluated", async () => {
    renderCard();
    expect(await screen.findByText('No scorecard yet')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
