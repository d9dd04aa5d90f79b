import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { OnCallAnswer } from '@internal/plugin-oncall-common';
import { screen, within } from '@testing-library/react';
import {
  annotationAnswer,
  mockOnCallApi,
  noneAnswer,
  pagerDutyAnswer,
  responseError,
} from '../../__testUtils__/fixtures';
import { onCallApiRef } from '../../api';
import { whenText } from '../../lib/format';
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

function component(
  name: string,
  options: {
    type?: string;
    owner?: string;
    runbook?: string;
  } = {},
): Entity {
  const owner = options.owner ?? 'group:default/fulfilment-team';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      links: options.runbook
        ? [{ url: options.runbook, title: 'Runbook', icon: 'docs' }]
        : [],
    },
    spec: { type: options.type ?? 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/** The backend's answers by component name; a missing one is an error. */
async function renderCard(
  group: Entity,
  entities: Entity[],
  answers: Record<string, OnCallAnswer | Error> = {},
) {
  const api = mockOnCallApi({
    getOnCall: jest.fn(async (entityRef: string) => {
      const answer = answers[entityRef.split('/')[1]];
      if (!answer || answer instanceof Error) {
        throw answer ?? new Error(`no answer for ${entityRef}`);
      }
      return { ...answer, entityRef };
    }),
  });
  await renderInTestApp(
    <EntityProvider entity={group}>
      <TeamOnCallCard />
    </EntityProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [catalogApiRef, catalogApiMock({ entities: [group, ...entities] })],
        [onCallApiRef, api],
      ],
    },
  );
  return api;
}

function row(name: string) {
  return screen.getByRole('row', { name: new RegExp(`^${name}`) });
}

describe('TeamOnCallCard', () => {
  it("lists the team's components with who is on call first now, until when, and the runbook", async () => {
    const orders = pagerDutyAnswer();
    const until = orders.rotations[0].levels[0].now[0].until!;
    const api = await renderCard(
      team,
      [
        component('orders-service', {
          runbook: 'https://runbooks.example/orders',
        }),
        component('inventory-service'),
        component('notifications-worker'),
        component('freight-common', { type: 'library' }),
        component('checkout-service', {
          owner: 'group:default/storefront-team',
        }),
      ],
      {
        'orders-service': orders,
        'inventory-service': annotationAnswer({
          name: 'Marco Rossi',
          userEntityRef: 'user:default/marco-rossi',
        }),
        'notifications-worker': noneAnswer(''),
        'freight-common': noneAnswer(''),
      },
    );

    await screen.findByRole('cell', { name: /^orders-service/ });
    const ordersRow = within(row('orders-service'));
    // The primary only, with the end of the shift.
    expect(ordersRow.getByText('Ada Lovelace')).toBeInTheDocument();
    expect(ordersRow.getByText(`until ${whenText(until)}`)).toBeInTheDocument();
    expect(ordersRow.queryByText('Linus Torvalds')).not.toBeInTheDocument();
    expect(ordersRow.getByRole('link', { name: /^Runbook/ })).toHaveAttribute(
      'href',
      'https://runbooks.example/orders',
    );
    // The annotation's person, linked to the catalog user.
    expect(
      within(row('inventory-service')).getByRole('link', {
        name: 'Marco Rossi',
      }),
    ).toHaveAttribute('href', '/catalog/default/user/marco-rossi');
    expect(within(row('inventory-service')).getByText('None')).toBeVisible();
    expect(
      within(row('notifications-worker')).getByText('no on-call source'),
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
    // One request per component of the team, none for another team's.
    expect(api.getOnCall).toHaveBeenCalledTimes(4);
    expect(api.getOnCall).toHaveBeenCalledWith(
      'component:default/orders-service',
    );
  });

  it('says when a source is unreachable or the backend cannot answer for a component', async () => {
    const fetchedAt = new Date();
    fetchedAt.setHours(2, 14, 0, 0);
    await renderCard(
      team,
      [component('orders-service'), component('payments-service')],
      {
        'orders-service': pagerDutyAnswer({
          stale: true,
          fetchedAt: fetchedAt.toISOString(),
        }),
        'payments-service': await responseError(
          404,
          'NotFoundError',
          'PagerDuty has no service PGONE',
        ),
      },
    );

    expect(
      await screen.findByText('(PagerDuty unreachable, as of 02:14)', {
        exact: false,
      }),
    ).toBeInTheDocument();
    expect(
      within(row('payments-service')).getByText(
        'on-call unknown: PagerDuty has no service PGONE',
      ),
    ).toBeInTheDocument();
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

  it('says when the team has no contact', async () => {
    const bare: Entity = {
      ...team,
      metadata: { name: 'fulfilment-team' },
      spec: { type: 'team', children: [] },
    };
    await renderCard(bare, []);

    expect(
      await screen.findByText('The team owns no components.'),
    ).toBeInTheDocument();
    expect(screen.getByText(/No team contact/)).toBeInTheDocument();
  });
});
