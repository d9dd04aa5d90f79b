import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { OnCallCard } from './OnCallCard';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'fulfilment-team',
    title: 'Fulfilment Team',
    annotations: { 'paved-road.io/slack-channel': '#team-fulfilment' },
  },
  spec: {
    type: 'team',
    children: [],
    profile: { email: 'fulfilment@acme-freight.example' },
  },
};

const engineer: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'marco-rossi' },
  spec: {
    profile: {
      displayName: 'Marco Rossi',
      email: 'marco.rossi@acme-freight.example',
    },
  },
};

const database: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'orders-db', title: 'Orders database' },
  spec: { type: 'database', owner: 'fulfilment-team' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/fulfilment-team' }],
};

function service(overrides: {
  annotations?: Record<string, string>;
  links?: Array<{ url: string; title?: string; icon?: string }>;
  owner?: string | null;
}): Entity {
  const owner =
    overrides.owner === undefined
      ? 'group:default/fulfilment-team'
      : overrides.owner;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders-service',
      annotations: overrides.annotations ?? {},
      links: overrides.links ?? [],
    },
    spec: { type: 'service', lifecycle: 'production', owner: owner ?? '' },
    relations: [
      ...(owner ? [{ type: 'ownedBy', targetRef: owner }] : []),
      { type: 'dependsOn', targetRef: 'resource:default/orders-db' },
      { type: 'dependencyOf', targetRef: 'component:default/storefront-web' },
    ],
  };
}

async function renderCard(entity: Entity) {
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <OnCallCard />
    </EntityProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [
          catalogApiRef,
          catalogApiMock({ entities: [team, engineer, database] }),
        ],
      ],
    },
  );
  await screen.findByText('Owning team');
}

describe('OnCallCard', () => {
  it('shows the team, who is on call, the runbook and dependencies with owners', async () => {
    await renderCard(
      service({
        annotations: {
          'paved-road.io/on-call': 'user:default/marco-rossi',
          'pagerduty.com/service-id': 'PORD123',
          'paved-road.io/tier': 'tier-1',
        },
        links: [
          { url: 'https://runbooks.example/orders', title: 'Runbook' },
          {
            url: 'https://grafana.example/d/orders',
            title: 'Grafana dashboard',
            icon: 'dashboard',
          },
        ],
      }),
    );

    expect(screen.getByText('Fulfilment Team')).toBeInTheDocument();
    expect(screen.getByText('Slack: #team-fulfilment')).toBeInTheDocument();
    expect(screen.getByText('Marco Rossi')).toBeInTheDocument();
    expect(
      screen.getByText('marco.rossi@acme-freight.example'),
    ).toBeInTheDocument();
    expect(screen.getByText('PagerDuty service: PORD123')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /^Runbook/ })).toHaveAttribute(
      'href',
      'https://runbooks.example/orders',
    );
    expect(
      screen.getByRole('link', { name: /^Grafana dashboard/ }),
    ).toBeInTheDocument();
    // A dependency in the catalog shows its owner; one that is not, says so.
    expect(screen.getByText('Orders database')).toBeInTheDocument();
    expect(screen.getByText('storefront-web')).toBeInTheDocument();
    expect(screen.getByText('no owner')).toBeInTheDocument();
    expect(screen.getByText('tier: tier-1')).toBeInTheDocument();
    expect(screen.getByText('lifecycle: production')).toBeInTheDocument();
  });

  it('says plainly when nobody is known to be on call and there is no runbook', async () => {
    await renderCard(service({}));

    expect(
      screen.getByText(
        /On-call unknown: no paved-road.io\/on-call annotation. Contact the owning team./,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No runbook: add a link titled "Runbook".'),
    ).toBeInTheDocument();
    expect(screen.getByText('tier: unknown')).toBeInTheDocument();
  });

  it('names an on-call user that is not in the catalog', async () => {
    await renderCard(
      service({ annotations: { 'paved-road.io/on-call': 'ghost' } }),
    );

    expect(
      screen.getByText(/On-call user:default\/ghost is not in the catalog/),
    ).toBeInTheDocument();
  });

  it('says when the component has no owner', async () => {
    await renderCard(service({ owner: null }));

    expect(
      screen.getByText(/No owner: this component has no owning team/),
    ).toBeInTheDocument();
  });

  it('says when the owner is not a team in the catalog', async () => {
    await renderCard(service({ owner: 'group:default/dissolved-team' }));

    expect(
      screen.getByText(
        /Owner group:default\/dissolved-team is not in the catalog/,
      ),
    ).toBeInTheDocument();
  });
});
