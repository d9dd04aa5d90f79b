import { Entity } from '@backstage/catalog-model';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import { scorecardApiRef } from './api';
import { list, mockScorecardApi, summary } from './__testUtils__/fixtures';
import scorecardPlugin from './index';
import { scorecardEntityCard, scorecardTeamEntityCard } from './plugin';

function entity(kind: string, type = 'service'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'x' },
    spec: { type, owner: 'team', lifecycle: 'production' },
  };
}

describe('scorecardPlugin', () => {
  it('provides the client, the page, the two cards and the catalog filter', () => {
    expect(scorecardPlugin.id).toBe('scorecard');
    for (const id of [
      'api:scorecard',
      'page:scorecard',
      'entity-card:scorecard/scorecard',
      'entity-card:scorecard/team',
      'catalog-filter:scorecard/critical-failing',
    ]) {
      expect(scorecardPlugin.getExtension(id as any)).toBeDefined();
    }
  });

  it('puts the scorecard card on every component, whatever its type', () => {
    const tester = createExtensionTester(scorecardEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(entity('Component', 'service'))).toBe(true);
    expect(filter(entity('Component', 'library'))).toBe(true);
    expect(filter(entity('API'))).toBe(false);
    expect(filter(entity('Group', 'team'))).toBe(false);
  });

  it('puts the team card on groups only', () => {
    const tester = createExtensionTester(scorecardTeamEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(entity('Group', 'team'))).toBe(true);
    expect(filter(entity('Component'))).toBe(false);
  });
});

// A whole app loads its lazy extensions first: well over findBy's 1 s
// default on a busy CI machine.
const appLoad = { timeout: 20_000 };
jest.setTimeout(40_000);

describe('the scorecard page in an app', () => {
  it('opens /scorecard with its title and the services', async () => {
    renderTestApp({
      features: [scorecardPlugin],
      initialRouteEntries: ['/scorecard'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [
          scorecardApiRef,
          mockScorecardApi({
            listEntities: jest.fn(async () =>
              list([
                summary({ name: 'orders-service', criticalFailing: true }),
              ]),
            ),
          }),
        ],
        [catalogApiRef, catalogApiMock()],
      ],
    });
    expect(
      await screen.findByRole('link', { name: 'orders-service' }, appLoad),
    ).toHaveAttribute('href', '/catalog/default/component/orders-service');
    expect(screen.getAllByText('Scorecard').length).toBeGreaterThan(0);
    expect(screen.getByText('Failing a critical check')).toBeInTheDocument();
  });
});
