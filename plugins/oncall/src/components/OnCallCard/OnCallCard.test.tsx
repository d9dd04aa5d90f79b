import { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  annotationAnswer,
  fromNow,
  HOUR,
  incident,
  incidentsAnswer,
  mockOnCallApi,
  noneAnswer,
  pagerDutyAnswer,
  responseError,
  shift,
} from '../../__testUtils__/fixtures';
import { OnCallApi, OnCallClient, onCallApiRef } from '../../api';
import { whenText } from '../../lib/format';
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

const marco: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'marco-rossi' },
  spec: { profile: { displayName: 'Marco Rossi' } },
};

const database: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'orders-db', title: 'Orders database' },
  spec: { type: 'database', owner: 'fulfilment-team' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/fulfilment-team' }],
};

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-service', title: 'Payments service' },
  spec: { type: 'service', owner: 'payments-team' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/payments-team' }],
};

type Decision = AuthorizeResult.ALLOW | AuthorizeResult.DENY;

const ORDERS = 'component:default/orders-service';
const PAYMENTS = 'component:default/payments-service';
const LEDGER = 'component:default/ledger-service';

function service(
  overrides: {
    name?: string;
    links?: Array<{ url: string; title?: string; icon?: string }>;
    owner?: string | null;
    annotations?: Record<string, string>;
  } = {},
): Entity {
  const owner =
    overrides.owner === undefined
      ? 'group:default/fulfilment-team'
      : overrides.owner;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: overrides.name ?? 'orders-service',
      annotations: overrides.annotations ?? {},
      links: overrides.links ?? [],
    },
    spec: { type: 'service', lifecycle: 'production', owner: owner ?? '' },
    relations: [
      ...(owner ? [{ type: 'ownedBy', targetRef: owner }] : []),
      { type: 'dependsOn', targetRef: 'resource:default/orders-db' },
      { type: 'dependsOn', targetRef: PAYMENTS },
      { type: 'dependsOn', targetRef: LEDGER },
      { type: 'dependencyOf', targetRef: 'component:default/storefront-web' },
    ],
  };
}

/** Answers for the card's entity, and the on-call of its dependencies. */
function onCallOf(answer = pagerDutyAnswer()) {
  return jest.fn(async (entityRef: string) => {
    if (entityRef === PAYMENTS) {
      return {
        ...noneAnswer(PAYMENTS),
        providerId: 'pagerduty',
        rotations: [
          {
            levels: [
              {
                level: 1,
                now: [shift('Katherine Johnson', { until: fromNow(2 * HOUR) })],
                next: [],
              },
            ],
          },
        ],
      };
    }
    if (entityRef === LEDGER) {
      return noneAnswer(LEDGER);
    }
    return answer;
  });
}

function renderCard(
  entity: Entity,
  options: {
    api?: OnCallApi;
    authorize?: Decision | ((request: EvaluatePermissionRequest) => Decision);
  } = {},
) {
  const api = options.api ?? mockOnCallApi({ getOnCall: onCallOf() });
  renderInTestApp(
    <EntityProvider entity={entity}>
      <OnCallCard />
    </EntityProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [
          catalogApiRef,
          catalogApiMock({ entities: [team, marco, database, payments] }),
        ],
        [onCallApiRef, api],
        mockApis.permission({
          authorize: options.authorize ?? AuthorizeResult.ALLOW,
        }),
      ],
    },
  );
  return api;
}

function level(name: string) {
  return within(screen.getByRole('listitem', { name }));
}

function section(name: string) {
  return within(screen.getByRole('region', { name }));
}

// Rendering the whole card with Material UI is slow on a busy CI machine.
jest.setTimeout(20_000);

describe('OnCallCard', () => {
  it('shows the primary and secondary on call now and next, how to reach them, and the dependencies with their on-call', async () => {
    const answer = pagerDutyAnswer();
    const api = renderCard(
      service({
        annotations: { 'paved-road.io/tier': 'tier-1' },
        links: [
          { url: 'https://runbooks.example/orders', title: 'Runbook' },
          {
            url: 'https://grafana.example/d/orders',
            title: 'Grafana dashboard',
            icon: 'dashboard',
          },
        ],
      }),
      { api: mockOnCallApi({ getOnCall: onCallOf(answer) }) },
    );

    await screen.findByText('Ada Lovelace', {}, { timeout: 5_000 });
    const [primary, secondary] = answer.rotations[0].levels;
    const handover = whenText(primary.now[0].until!);

    const ada = level('Primary');
    expect(ada.getByText(`until ${handover}`)).toBeInTheDocument();
    expect(ada.getByText(/Orders primary/)).toBeInTheDocument();
    expect(
      ada.getByRole('link', { name: /^ada@acme-freight.example/ }),
    ).toHaveAttribute('href', 'mailto:ada@acme-freight.example');
    expect(ada.getByRole('link', { name: /^\+4915112345678/ })).toHaveAttribute(
      'href',
      'tel:+4915112345678',
    );
    expect(
      ada.getByRole('link', { name: /^Ada Lovelace on PagerDuty/ }),
    ).toHaveAttribute(
      'href',
      'https://acme.pagerduty.example/users/ada-lovelace',
    );
    expect(ada.getByText(/^Next:/)).toHaveTextContent(
      `Next: Grace Hopper, from ${handover}`,
    );
    expect(level('Secondary').getByText('Linus Torvalds')).toBeInTheDocument();
    expect(level('Secondary').getByText(/^Next:/)).toHaveTextContent(
      `Next: Margaret Hamilton, from ${whenText(secondary.next[0].from!)}`,
    );
    expect(screen.getByRole('link', { name: /^Orders API/ })).toHaveAttribute(
      'href',
      'https://acme.pagerduty.example/service-directory/PORD7X2',
    );
    expect(
      screen.getByRole('link', { name: /^Orders escalation/ }),
    ).toHaveAttribute(
      'href',
      'https://acme.pagerduty.example/escalation_policies/PEP1',
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    // The catalog's part, as before.
    expect(screen.getByText('Fulfilment Team')).toBeInTheDocument();
    expect(screen.getByText('Slack: #team-fulfilment')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /^Runbook/ })).toHaveAttribute(
      'href',
      'https://runbooks.example/orders',
    );
    expect(
      screen.getByRole('link', { name: /^Grafana dashboard/ }),
    ).toBeInTheDocument();
    expect(screen.getByText('tier: tier-1')).toBeInTheDocument();

    // Each component it depends on with its own on-call; a resource with its owner.
    const dependsOn = section('Depends on');
    await waitFor(() =>
      expect(
        dependsOn.getByRole('listitem', { name: 'Payments service' }),
      ).toHaveTextContent(/on call: Katherine Johnson until/),
    );
    expect(
      dependsOn.getByRole('listitem', { name: 'ledger-service' }),
    ).toHaveTextContent('no on-call source');
    expect(
      dependsOn.getByRole('listitem', { name: 'Orders database' }),
    ).not.toHaveTextContent('on call');
    expect(api.getOnCall).toHaveBeenCalledWith(PAYMENTS);
    expect(api.getOnCall).not.toHaveBeenCalledWith(
      'resource:default/orders-db',
    );
    expect(section('Used by').getByText('storefront-web')).toBeInTheDocument();
  });

  it('warns when the source is unreachable and shows what it knew, and when', async () => {
    const fetchedAt = new Date();
    fetchedAt.setHours(2, 14, 0, 0);
    renderCard(service(), {
      api: mockOnCallApi({
        getOnCall: onCallOf(
          pagerDutyAnswer({
            stale: true,
            fetchedAt: fetchedAt.toISOString(),
            staleReason: 'pagerduty unreachable (PagerDuty answered 503)',
          }),
        ),
      }),
    });

    const warning = await screen.findByRole('alert', {}, { timeout: 5_000 });
    expect(warning).toHaveTextContent(
      'PagerDuty unreachable, showing what we knew at 02:14',
    );
    expect(warning).toHaveTextContent(
      'pagerduty unreachable (PagerDuty answered 503)',
    );
    // What it knew is still shown.
    expect(level('Primary').getByText('Ada Lovelace')).toBeInTheDocument();
  });

  it('lists the open incidents with age, status, urgency and link', async () => {
    const api = renderCard(service(), {
      api: mockOnCallApi({
        getOnCall: onCallOf(),
        getIncidents: jest.fn(async () =>
          incidentsAnswer([
            incident(),
            incident({
              id: 'Q2',
              number: 120,
              title: 'Orders queue backs up',
              status: 'acknowledged',
              urgency: 'low',
              createdAt: fromNow(-3 * HOUR - 60_000),
              assignees: [{ name: 'Ada Lovelace' }],
            }),
          ]),
        ),
      }),
    });

    const first = await screen.findByRole(
      'listitem',
      { name: '#123 Checkout returns 502' },
      { timeout: 5_000 },
    );
    const incidents = section('Open incidents');
    expect(
      within(first).getByRole('link', { name: /^#123 Checkout returns 502/ }),
    ).toHaveAttribute(
      'href',
      'https://acme.pagerduty.example/incidents/Q0RIJJZL24RC6W',
    );
    expect(first).toHaveTextContent(
      'triggered · high urgency · opened 12 min ago',
    );
    expect(
      incidents.getByRole('listitem', { name: '#120 Orders queue backs up' }),
    ).toHaveTextContent(
      'acknowledged · low urgency · opened 3 h ago · assigned to Ada Lovelace',
    );
    expect(api.getIncidents).toHaveBeenCalledWith(ORDERS, {
      days: 7,
      statuses: ['triggered', 'acknowledged'],
    });
  });

  describe('paging the on-call', () => {
    const server = setupServer();
    registerMswTestHooks(server);
    const base =
      'http://localhost:7007/api/oncall/entities/component/default/orders-service';

    /** The card with the real client against the backend's routes. */
    function renderWithBackend(post: Parameters<typeof http.post>[1]) {
      let incidents = [incident()];
      server.use(
        http.get(
          `http://localhost:7007/api/oncall/entities/:kind/:ns/:name`,
          ({ params }) =>
            HttpResponse.json(
              params.name === 'orders-service'
                ? pagerDutyAnswer()
                : noneAnswer(`component:default/${params.name}`),
            ),
        ),
        http.get(`${base}/incidents`, () =>
          HttpResponse.json(incidentsAnswer(incidents)),
        ),
        http.post(`${base}/incidents`, async info => {
          const response = await post(info);
          if (response instanceof Response && response.status === 201) {
            const created = await response.clone().json();
            incidents = [created, ...incidents];
          }
          return response;
        }),
      );
      renderCard(service(), {
        api: new OnCallClient({
          discoveryApi: mockApis.discovery({
            baseUrl: 'http://localhost:7007',
          }),
          fetchApi: mockApis.fetch(),
        }),
      });
    }

    it('opens an incident with the title, details and urgency, shows it and lists it', async () => {
      const user = userEvent.setup();
      let body: unknown;
      renderWithBackend(async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          incident({
            id: 'QNEW',
            number: 124,
            title: 'Checkout returns 502 for 40 % of calls',
            url: 'https://acme.pagerduty.example/incidents/QNEW',
          }),
          { status: 201 },
        );
      });

      await user.click(
        await screen.findByRole(
          'button',
          { name: 'Page the on-call' },
          { timeout: 5_000 },
        ),
      );
      const dialog = within(screen.getByRole('dialog'));
      expect(dialog.getByRole('button', { name: 'Page' })).toBeDisabled();
      await user.type(
        dialog.getByLabelText(/^Title/),
        'Checkout returns 502 for 40 % of calls',
      );
      await user.type(
        dialog.getByLabelText('Details'),
        'Since 14:05, after the 14:00 deploy',
      );
      await user.click(dialog.getByLabelText(/^Low/));
      await user.click(dialog.getByRole('button', { name: 'Page' }));

      expect(
        await dialog.findByRole('link', {
          name: /^#124 Checkout returns 502 for 40 % of calls/,
        }),
      ).toHaveAttribute(
        'href',
        'https://acme.pagerduty.example/incidents/QNEW',
      );
      expect(body).toEqual({
        title: 'Checkout returns 502 for 40 % of calls',
        details: 'Since 14:05, after the 14:00 deploy',
        urgency: 'low',
      });
      await user.click(dialog.getByRole('button', { name: 'Close' }));
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      // The list was read again and shows it.
      expect(
        await section('Open incidents').findByRole('listitem', {
          name: '#124 Checkout returns 502 for 40 % of calls',
        }),
      ).toBeInTheDocument();
    });

    it("shows the backend's refusal in the dialog", async () => {
      const user = userEvent.setup();
      const message =
        'user:default/ada may not page the on-call of component:default/orders-service: only its owners and the platform team can. Ask group:default/fulfilment-team or the platform team to page, or call the on-call shown on the card';
      renderWithBackend(() =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message },
            request: { method: 'POST', url: '/api/oncall' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      );

      await user.click(
        await screen.findByRole(
          'button',
          { name: 'Page the on-call' },
          { timeout: 5_000 },
        ),
      );
      const dialog = within(screen.getByRole('dialog'));
      await user.type(dialog.getByLabelText(/^Title/), 'Orders are down');
      await user.click(dialog.getByRole('button', { name: 'Page' }));

      expect(await dialog.findByRole('alert')).toHaveTextContent(
        `Could not page: ${message}`,
      );
      // The form stays, to try again or cancel.
      expect(dialog.getByLabelText(/^Title/)).toHaveValue('Orders are down');
    });
  });

  it('hides the button from those who may not page', async () => {
    const authorize = jest.fn(
      (_: EvaluatePermissionRequest): Decision => AuthorizeResult.DENY,
    );
    // Another entity: usePermission caches decisions per resource across
    // the tests of a file.
    renderCard(service({ name: 'shipping-service' }), { authorize });

    // The button's place: the incidents are in, the source can page.
    await screen.findByText(
      'No open incidents opened in the last 7 days.',
      {},
      { timeout: 5_000 },
    );
    await waitFor(() => expect(authorize).toHaveBeenCalled());
    // Let the decision reach the card.
    await act(() => new Promise(resolve => setTimeout(resolve, 50)));
    expect(authorize.mock.calls[0]).toEqual([
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'oncall.incident.trigger',
        }),
        resourceRef: 'component:default/shipping-service',
      }),
    ]);
    expect(
      screen.queryByRole('button', { name: 'Page the on-call' }),
    ).not.toBeInTheDocument();
  });

  it('shows the person the on-call annotation names, and says it knows no incidents', async () => {
    const notImplemented = await responseError(
      501,
      'NotImplementedError',
      'The on-call source of component:default/orders-service (annotation) knows no incidents',
    );
    renderCard(service(), {
      api: mockOnCallApi({
        getOnCall: onCallOf(
          annotationAnswer({
            name: 'Marco Rossi',
            email: 'marco.rossi@acme-freight.example',
            userEntityRef: 'user:default/marco-rossi',
          }),
        ),
        getIncidents: jest.fn(async () => {
          throw notImplemented;
        }),
      }),
    });

    expect(
      await screen.findByRole(
        'link',
        { name: 'Marco Rossi' },
        { timeout: 5_000 },
      ),
    ).toHaveAttribute('href', '/catalog/default/user/marco-rossi');
    expect(
      screen.getByRole('link', { name: /^marco.rossi@acme-freight.example/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/From the paved-road.io\/on-call annotation/),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        /^The paved-road.io\/on-call annotation knows nothing of incidents/,
      ),
    ).toBeInTheDocument();
    // The annotation pages nobody.
    expect(
      screen.queryByRole('button', { name: 'Page the on-call' }),
    ).not.toBeInTheDocument();
  });

  it('names an on-call user of the annotation that is not in the catalog', async () => {
    renderCard(service(), {
      api: mockOnCallApi({
        getOnCall: onCallOf(
          annotationAnswer({
            name: 'user:default/ghost',
            userEntityRef: 'user:default/ghost',
            notInCatalog: true,
          }),
        ),
      }),
    });

    expect(
      await screen.findByText(
        'On-call user:default/ghost is not in the catalog.',
        {},
        { timeout: 5_000 },
      ),
    ).toBeInTheDocument();
  });

  it('says how to add an on-call source when there is none', async () => {
    const notImplemented = await responseError(
      501,
      'NotImplementedError',
      'The on-call source of component:default/orders-service (none) knows no incidents',
    );
    renderCard(service(), {
      api: mockOnCallApi({
        getOnCall: onCallOf(noneAnswer(ORDERS)),
        getIncidents: jest.fn(async () => {
          throw notImplemented;
        }),
      }),
    });

    expect(
      await screen.findByText(
        /^No on-call source: add a pagerduty.com\/service-id annotation \(the PagerDuty service\) or a paved-road.io\/on-call annotation \(a user\) to catalog-info.yaml. Contact the owning team.$/,
        {},
        { timeout: 5_000 },
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No on-call source, so no incidents.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No runbook: add a link titled "Runbook".'),
    ).toBeInTheDocument();
    expect(screen.getByText('tier: unknown')).toBeInTheDocument();
  });

  it('says when the on-call backend cannot answer, with its message', async () => {
    const notFound = await responseError(
      404,
      'NotFoundError',
      'PagerDuty has no service PGONE: check the pagerduty.com/service-id annotation',
    );
    renderCard(service(), {
      api: mockOnCallApi({
        getOnCall: jest.fn(async () => {
          throw notFound;
        }),
      }),
    });

    expect(
      await screen.findByText(
        /^Could not ask the on-call backend: PagerDuty has no service PGONE/,
        {},
        { timeout: 5_000 },
      ),
    ).toBeInTheDocument();
  });

  it('says when the component has no owner', async () => {
    renderCard(service({ owner: null }));

    expect(
      await screen.findByText(
        /No owner: this component has no owning team/,
        {},
        { timeout: 5_000 },
      ),
    ).toBeInTheDocument();
  });

  it('says when the owner is not a team in the catalog', async () => {
    renderCard(service({ owner: 'group:default/dissolved-team' }));

    expect(
      await screen.findByText(
        /Owner group:default\/dissolved-team is not in the catalog/,
        {},
        { timeout: 5_000 },
      ),
    ).toBeInTheDocument();
  });
});
