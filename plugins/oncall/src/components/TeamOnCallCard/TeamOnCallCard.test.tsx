import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { TeamOnCallCard } from './TeamOnCallCard';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'fulfilment-team',
    title: 'Fulfilment Team',
    annotations: { 'paved-road.io/slack-channel': '#team-fulfilment' },
    links: [
      {
        url: 'https://acme-freight.slack.example/channels/team-fulfilment',
        title: '#team-fulfilment on Slack',
        icon: 'chat',
      },
    ],
  },
  spec: {
    type: 'team',
    children: [],
    profile: { email: 'fulfilment-team@acme-freight.example' },
  },
};

const marco: Entity = {
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

function component(
  name: string,
  options: {
    type?: string;
    owner?: string;
    onCall?: string;
    runbook?: string;
  } = {},
): Entity {
  const owner = options.owner ?? 'group:default/fulfilment-team';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: options.onCall
        ? { 'paved-road.io/on-call': options.onCall }
        : {},
      links: options.runbook
        ? [{ url: options.runbook, title: 'Runbook', icon: 'docs' }]
        : [],
    },
    spec: { type: options.type ?? 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

async function renderCard(group: Entity, entities: Entity[]) {
  const catalogApi = catalogApiMock({ entities: [group, marco, ...entities] });
  const byRefs = jest.spyOn(catalogApi, 'getEntitiesByRefs');
  await renderInTestApp(
    <EntityProvider entity={group}>
      <TeamOnCallCard />
    </EntityProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [[catalogApiRef, catalogApi]],
    },
  );
  return { byRefs };
}

function row(name: string) {
  return screen.getByRole('row', { name: new RegExp(`^${name}`) });
}

describe('TeamOnCallCard', () => {
  it("lists the team's components with who is on call and the runbook", async () => {
    const { byRefs } = await renderCard(team, [
      component('orders-service', {
        onCall: 'user:default/marco-rossi',
        runbook: 'https://runbooks.example/orders',
      }),
      component('inventory-service', { onCall: 'marco-rossi' }),
      component('notifications-worker'),
      component('freight-common', { type: 'library' }),
      component('checkout-service', {
        owner: 'group:default/storefront-team',
        onCall: 'user:default/marco-rossi',
      }),
    ]);

    await screen.findByRole('cell', { name: /^orders-service/ });
    const orders = within(row('orders-service'));
    expect(orders.getByText('Marco Rossi')).toBeInTheDocument();
    expect(orders.getByRole('link', { name: /^Runbook/ })).toHaveAttribute(
      'href',
      'https://runbooks.example/orders',
    );
    // The on-call annotation may leave out the kind and namespace.
    expect(
      within(row('inventory-service')).getByText('Marco Rossi'),
    ).toBeInTheDocument();
    expect(within(row('inventory-service')).getByText('None')).toBeVisible();
    expect(
      within(row('notifications-worker')).getByText('Nobody set'),
    ).toBeInTheDocument();
    // Only the team's own components; the library after the services.
    expect(screen.queryByText('checkout-service')).not.toBeInTheDocument();
    const names = screen
      .getAllByRole('row')
      .slice(1)
      .map(r => r.textContent);
    expect(names.map(n => n?.split(/\s/)[0])).toEqual([
      'inventory-service',
      'notifications-worker',
      'orders-service',
      'freight-common',
    ]);
    // Every on-call user in one catalog request.
    expect(byRefs).toHaveBeenCalledTimes(1);
  });

  it("shows the team's email and Slack channel", async () => {
    await renderCard(team, []);

    expect(
      await screen.findByText('The team owns no components.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: /^fulfilment-team@acme-freight.example/,
      }),
    ).toHaveAttribute('href', 'mailto:fulfilment-team@acme-freight.example');
    expect(
      screen.getByRole('link', { name: /^#team-fulfilment/ }),
    ).toHaveAttribute(
      'href',
      'https://acme-freight.slack.example/channels/team-fulfilment',
    );
  });

  it('says when the team has no contact and names an on-call user not in the catalog', async () => {
    const bare: Entity = {
      ...team,
      metadata: { name: 'fulfilment-team' },
      spec: { type: 'team', children: [] },
    };
    await renderCard(bare, [
      component('orders-service', { onCall: 'user:default/ghost' }),
    ]);

    expect(
      await screen.findByText('user:default/ghost is not in the catalog'),
    ).toBeInTheDocument();
    expect(screen.getByText(/No team contact/)).toBeInTheDocument();
  });
});
