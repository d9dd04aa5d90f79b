import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { ScorecardApi, scorecardApiRef } from '@internal/plugin-scorecard';
import { screen, within } from '@testing-library/react';
import { TeamServicesWidget } from './TeamServicesWidget';

type Entities = NonNullable<Parameters<typeof catalogApiMock>[0]>['entities'];
type EntityScore = Awaited<
  ReturnType<ScorecardApi['listEntities']>
>['items'][number];

const marco = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'marco-rossi' },
  spec: { profile: { displayName: 'Marco Rossi' } },
};

function service(name: string, owner: string, onCall?: string) {
  const annotations: Record<string, string> = onCall
    ? { 'paved-road.io/on-call': onCall }
    : {};
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

const entities: Entities = [
  marco,
  service('orders-service', 'fulfilment-team', 'user:default/marco-rossi'),
  service('inventory-service', 'fulfilment-team', 'marco-rossi'),
  service('notifications-worker', 'fulfilment-team'),
  service('payments-service', 'payments-team', 'user:default/marco-rossi'),
];

function score(
  name: string,
  values: Partial<EntityScore> & Pick<EntityScore, 'score' | 'level'>,
): EntityScore {
  return {
    entityRef: `component:default/${name}`,
    kind: 'component',
    namespace: 'default',
    name,
    owner: 'group:default/fulfilment-team',
    failingChecks: [],
    evaluatedAt: '2026-12-01T00:00:00Z',
    criticalFailing: false,
    passedWeight: 0,
    applicableWeight: 0,
    unknownWeight: 0,
    ...values,
  };
}

function scorecard(items: EntityScore[] | Error) {
  const listEntities = jest.fn(async () => {
    if (items instanceof Error) throw items;
    return { items, totalItems: items.length, formula: 'f' };
  });
  return { api: { listEntities } as unknown as ScorecardApi, listEntities };
}

async function renderWidget(options: {
  ownershipEntityRefs: string[];
  scores: EntityScore[] | Error;
}) {
  const { api, listEntities } = scorecard(options.scores);
  const catalogApi = catalogApiMock({ entities });
  const byRefs = jest.spyOn(catalogApi, 'getEntitiesByRefs');
  await renderInTestApp(<TeamServicesWidget />, {
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [
      [catalogApiRef, catalogApi],
      [scorecardApiRef, api],
      mockApis.identity({
        userEntityRef: 'user:default/ada',
        ownershipEntityRefs: options.ownershipEntityRefs,
      }),
    ],
  });
  return { listEntities, byRefs };
}

function rowOf(name: string) {
  return screen.getByRole('link', { name }).closest('li') as HTMLElement;
}

describe('TeamServicesWidget', () => {
  it("shows each of the team's services with its score and who is on call, worst first", async () => {
    const { listEntities, byRefs } = await renderWidget({
      ownershipEntityRefs: [
        'user:default/ada',
        'group:default/fulfilment-team',
      ],
      scores: [
        score('orders-service', { score: 0.82, level: 'gold' }),
        score('inventory-service', {
          score: 0.9,
          level: 'silver',
          criticalFailing: true,
        }),
      ],
    });

    await screen.findByRole('link', { name: 'orders-service' });
    const orders = within(rowOf('orders-service'));
    expect(orders.getByText('Gold · 82 %')).toBeInTheDocument();
    expect(orders.getByRole('link', { name: 'Marco Rossi' })).toHaveAttribute(
      'href',
      '/catalog/default/user/marco-rossi',
    );
    expect(orders.queryByTitle('Fails a critical check')).toBeNull();

    const inventory = within(rowOf('inventory-service'));
    expect(inventory.getByText('Silver · 90 %')).toBeInTheDocument();
    expect(inventory.getByTitle('Fails a critical check')).toBeInTheDocument();

    const notifications = within(rowOf('notifications-worker'));
    expect(notifications.getByText('Not scored yet')).toBeInTheDocument();
    expect(notifications.getByText('Nobody on call')).toBeInTheDocument();

    // The critical failure first, then by score; another team's service not.
    expect(
      screen
        .getAllByRole('listitem')
        .map(item => within(item).getAllByRole('link')[0].textContent),
    ).toEqual(['inventory-service', 'orders-service', 'notifications-worker']);
    expect(screen.queryByText('payments-service')).not.toBeInTheDocument();

    // One scorecard request for every score, one catalog one for every on-call.
    expect(listEntities).toHaveBeenCalledTimes(1);
    expect(listEntities).toHaveBeenCalledWith({
      owner: ['user:default/ada', 'group:default/fulfilment-team'],
      kind: ['component'],
      limit: 500,
    });
    expect(byRefs).toHaveBeenCalledTimes(1);
  });

  it('shows someone in no team every service, and says so', async () => {
    const { listEntities } = await renderWidget({
      ownershipEntityRefs: ['user:development/guest'],
      scores: [],
    });

    expect(
      await screen.findByText(
        'You are in no team yet, so here is every service.',
      ),
    ).toBeInTheDocument();
    expect(
      within(rowOf('payments-service')).getByText('Marco Rossi'),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('listitem')).toHaveLength(4);
    expect(listEntities).toHaveBeenCalledWith(
      expect.objectContaining({ owner: undefined }),
    );
  });

  it('still lists the services and their on-call when the scorecard fails', async () => {
    await renderWidget({
      ownershipEntityRefs: ['group:default/fulfilment-team'],
      scores: new Error('scorecard is down'),
    });

    expect(
      await screen.findByText('Scores unavailable: scorecard is down'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('orders-service')).getByText('Marco Rossi'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Not scored yet')).not.toBeInTheDocument();
  });
});
