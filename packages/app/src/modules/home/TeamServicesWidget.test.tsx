import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { OnCallAnswer, OnCallApi, onCallApiRef } from '@internal/plugin-oncall';
import { ScorecardApi, scorecardApiRef } from '@internal/plugin-scorecard';
import { screen, within } from '@testing-library/react';
import { TeamServicesWidget } from './TeamServicesWidget';

type Entities = NonNullable<Parameters<typeof catalogApiMock>[0]>['entities'];
type EntityScore = Awaited<
  ReturnType<ScorecardApi['listEntities']>
>['items'][number];

function service(name: string, owner: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

const entities: Entities = [
  service('orders-service', 'fulfilment-team'),
  service('inventory-service', 'fulfilment-team'),
  service('notifications-worker', 'fulfilment-team'),
  service('payments-service', 'payments-team'),
];

/** Marco Rossi is primary, as the on-call backend answers for a catalog user. */
function marcoOnCall(entityRef: string): OnCallAnswer {
  return {
    entityRef,
    providerId: 'pagerduty',
    fetchedAt: new Date().toISOString(),
    stale: false,
    rotations: [
      {
        levels: [
          {
            level: 1,
            now: [
              {
                contact: {
                  name: 'Marco Rossi',
                  userEntityRef: 'user:default/marco-rossi',
                },
              },
            ],
            next: [],
          },
          {
            level: 2,
            now: [{ contact: { name: 'Ada Lovelace' } }],
            next: [],
          },
        ],
      },
    ],
  };
}

/** Nobody is on call for the notifications worker: it has no source. */
function onCall(answer?: (entityRef: string) => Promise<OnCallAnswer>) {
  const getOnCall = jest.fn(
    answer ??
      (async (entityRef: string) =>
        entityRef.endsWith('/notifications-worker')
          ? {
              entityRef,
              providerId: 'none',
              fetchedAt: new Date().toISOString(),
              stale: false,
              rotations: [],
            }
          : marcoOnCall(entityRef)),
  );
  return { api: { getOnCall } as unknown as OnCallApi, getOnCall };
}

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
  onCall?: (entityRef: string) => Promise<OnCallAnswer>;
}) {
  const { api, listEntities } = scorecard(options.scores);
  const onCallApi = onCall(options.onCall);
  await renderInTestApp(<TeamServicesWidget />, {
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [
      [catalogApiRef, catalogApiMock({ entities })],
      [scorecardApiRef, api],
      [onCallApiRef, onCallApi.api],
      mockApis.identity({
        userEntityRef: 'user:default/ada',
        ownershipEntityRefs: options.ownershipEntityRefs,
      }),
    ],
  });
  return { listEntities, getOnCall: onCallApi.getOnCall };
}

function rowOf(name: string) {
  return screen.getByRole('link', { name }).closest('li') as HTMLElement;
}

describe('TeamServicesWidget', () => {
  it("shows each of the team's services with its score and who is on call, worst first", async () => {
    const { listEntities, getOnCall } = await renderWidget({
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
    expect(orders.queryByText(/Ada Lovelace/)).toBeNull();
    expect(orders.queryByTitle('Fails a critical check')).toBeNull();

    const inventory = within(rowOf('inventory-service'));
    expect(inventory.getByText('Silver · 90 %')).toBeInTheDocument();
    expect(inventory.getByTitle('Fails a critical check')).toBeInTheDocument();

    const notifications = within(rowOf('notifications-worker'));
    expect(notifications.getByText('Not scored yet')).toBeInTheDocument();
    expect(notifications.getByText('No on-call source')).toBeInTheDocument();

    // The critical failure first, then by score; another team's service not.
    expect(
      screen
        .getAllByRole('listitem')
        .map(item => within(item).getAllByRole('link')[0].textContent),
    ).toEqual(['inventory-service', 'orders-service', 'notifications-worker']);
    expect(screen.queryByText('payments-service')).not.toBeInTheDocument();

    // One scorecard request for every score; the on-call of each service.
    expect(listEntities).toHaveBeenCalledTimes(1);
    expect(listEntities).toHaveBeenCalledWith({
      owner: ['user:default/ada', 'group:default/fulfilment-team'],
      kind: ['component'],
      limit: 500,
    });
    expect(getOnCall.mock.calls.map(([ref]) => ref).sort()).toEqual([
      'component:default/inventory-service',
      'component:default/notifications-worker',
      'component:default/orders-service',
    ]);
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

  it('says when nobody is on call for a service, and when the on-call backend cannot answer for one', async () => {
    await renderWidget({
      ownershipEntityRefs: ['group:default/fulfilment-team'],
      scores: [],
      onCall: async entityRef => {
        if (entityRef.endsWith('/orders-service')) {
          throw Object.assign(new Error('Request failed with 404 Not Found'), {
            cause: new Error('No entity component:default/orders-service'),
          });
        }
        return { ...marcoOnCall(entityRef), rotations: [] };
      },
    });

    await screen.findByRole('link', { name: 'orders-service' });
    expect(
      within(rowOf('orders-service')).getByTitle(
        'No entity component:default/orders-service',
      ),
    ).toHaveTextContent('On call: unknown');
    expect(
      within(rowOf('inventory-service')).getByText('Nobody on call'),
    ).toBeInTheDocument();
  });
});
