import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { OnCallIncident, OnCallRotation } from '@internal/plugin-oncall-common';
import {
  OnCallProvider,
  onCallProvidersExtensionPoint,
  TriggerIncidentOptions,
} from '@internal/plugin-oncall-node';
import request from 'supertest';
import { onCallPlugin } from './plugin';

const SOURCE_ANNOTATION = 'test.example/service';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders-service',
      namespace: 'default',
      annotations: { [SOURCE_ANNOTATION]: 'PORD7X2' },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'fulfilment-team',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'legacy-service',
      namespace: 'default',
      annotations: { 'paved-road.io/on-call': 'lena-vogel' },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'fulfilment-team',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'unowned-service', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'fulfilment-team',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'lena-vogel', namespace: 'default', title: 'Lena Vogel' },
    spec: { profile: { email: 'lena.vogel@acme-freight.example' } },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'mock', namespace: 'default' },
    spec: { profile: { email: 'mock@acme-freight.example' } },
  },
];

const rotation: OnCallRotation = {
  service: { id: 'PORD7X2', name: 'Orders service' },
  levels: [
    {
      level: 1,
      now: [
        {
          contact: { name: 'Lena Vogel', email: 'lena.vogel@acme.example' },
          until: '2026-12-07T09:00:00.000Z',
        },
      ],
      next: [],
    },
  ],
};

/** An on-call source for the tests: answers for SOURCE_ANNOTATION, can go down. */
class TestSource implements OnCallProvider {
  readonly id = 'test-source';
  down = false;
  readonly triggered: TriggerIncidentOptions[] = [];

  answers(entity: Entity) {
    return Boolean(entity.metadata.annotations?.[SOURCE_ANNOTATION]);
  }

  async onCallNow(): Promise<OnCallRotation[]> {
    if (this.down) {
      throw new ServiceUnavailableError('connection refused');
    }
    return [rotation];
  }

  readonly incidentList: OnCallIncident[] = [];

  async incidents(
    _entity: Entity,
    options: { since: Date },
  ): Promise<OnCallIncident[]> {
    if (this.down) {
      throw new ServiceUnavailableError('connection refused');
    }
    return this.incidentList.filter(
      i => Date.parse(i.createdAt) >= options.since.getTime(),
    );
  }

  async triggerIncident(
    _entity: Entity,
    options: TriggerIncidentOptions,
  ): Promise<OnCallIncident> {
    this.triggered.push(options);
    return {
      id: `Q${this.triggered.length}`,
      title: options.title,
      status: 'triggered',
      createdAt: '2026-12-07T02:00:00.000Z',
      service: { id: 'PORD7X2', name: 'Orders service' },
    };
  }
}

async function start(options: {
  result?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  sources?: OnCallProvider[];
}) {
  const sources = options.sources ?? [new TestSource()];
  const { server } = await startTestBackend({
    features: [
      onCallPlugin,
      createBackendModule({
        pluginId: 'oncall',
        moduleId: 'test-source',
        register(reg) {
          reg.registerInit({
            deps: { providers: onCallProvidersExtensionPoint },
            async init({ providers }) {
              providers.addProvider(...sources);
            },
          });
        },
      }),
      catalogServiceMock.factory({ entities }),
      mockServices.permissions.factory(
        options.result ? { result: options.result } : undefined,
      ),
    ],
  });
  return { server, source: sources[0] as TestSource };
}

const base = '/api/oncall/entities/component/default';

describe('on-call backend', () => {
  it('answers who is on call from the first source that knows the entity', async () => {
    const { server } = await start({});
    const res = await request(server).get(`${base}/orders-service`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/orders-service',
      providerId: 'test-source',
      stale: false,
      rotations: [rotation],
    });
  });

  it('links each person the source names by email to the catalog User with that email', async () => {
    const source = new TestSource();
    const known = { name: 'Lena V.', email: 'lena.vogel@acme-freight.example' };
    source.onCallNow = async () => [
      {
        levels: [
          {
            level: 1,
            now: [{ contact: known }],
            next: [
              { contact: { name: 'Someone', email: 'x@elsewhere.example' } },
            ],
          },
        ],
      },
    ];
    const { server } = await start({ sources: [source] });
    const res = await request(server).get(`${base}/orders-service`);
    const [level] = res.body.rotations[0].levels;
    expect(level.now[0].contact).toEqual({
      ...known,
      userEntityRef: 'user:default/lena-vogel',
    });
    expect(level.next[0].contact.userEntityRef).toBeUndefined();
  });

  it('falls back to the annotation, and says when nothing answers', async () => {
    const { server } = await start({});
    const legacy = await request(server).get(`${base}/legacy-service`);
    expect(legacy.body).toMatchObject({
      providerId: 'annotation',
      rotations: [
        {
          levels: [
            {
              level: 1,
              now: [
                {
                  contact: {
                    name: 'Lena Vogel',
                    email: 'lena.vogel@acme-freight.example',
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const none = await request(server).get(`${base}/unowned-service`);
    expect(none.body).toMatchObject({ providerId: 'none', rotations: [] });
    const unknown = await request(server).get(`${base}/no-such-service`);
    expect(unknown.status).toBe(404);
  });

  it('serves the last answer, marked stale with its age, while the source is down', async () => {
    const { server, source } = await start({});
    const fresh = await request(server).get(`${base}/orders-service`);
    source.down = true;
    const stale = await request(server).get(`${base}/orders-service`);
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({
      stale: true,
      fetchedAt: fresh.body.fetchedAt,
      rotations: [rotation],
      staleReason: 'connection refused',
    });
  });

  it('serves the last incidents, stale, while the source is down, for as far back as they reach', async () => {
    const { server, source } = await start({});
    const daysAgo = (days: number) =>
      new Date(Date.now() - days * 86_400_000).toISOString();
    source.incidentList.push(
      {
        id: 'Q1',
        title: 'Checkout returns 502',
        status: 'triggered',
        createdAt: daysAgo(1),
        service: { id: 'PORD7X2', name: 'Orders service' },
      },
      {
        id: 'Q0',
        title: 'Orders API slow',
        status: 'resolved',
        createdAt: daysAgo(5),
        service: { id: 'PORD7X2', name: 'Orders service' },
      },
    );
    const incidents = `${base}/orders-service/incidents`;
    const fresh = await request(server).get(`${incidents}?days=7`);
    expect(fresh.body).toMatchObject({ stale: false });
    expect(fresh.body.incidents.map((i: OnCallIncident) => i.id)).toEqual([
      'Q1',
      'Q0',
    ]);

    source.down = true;
    // Each request asks from its own "7 days ago".
    const stale = await request(server).get(`${incidents}?days=7`);
    expect(stale.status).toBe(200);
    expect(stale.body).toEqual({
      ...fresh.body,
      stale: true,
      staleReason: 'connection refused',
    });
    // A shorter window: the last answer, cut to it.
    const shorter = await request(server).get(`${incidents}?days=2`);
    expect(shorter.body).toMatchObject({ stale: true });
    expect(shorter.body.incidents.map((i: OnCallIncident) => i.id)).toEqual([
      'Q1',
    ]);
    // A longer one: the last answer would miss incidents, so 503.
    const longer = await request(server).get(`${incidents}?days=30`);
    expect(longer.status).toBe(503);
  });

  it('answers 503 when the source is down and nothing was known', async () => {
    const source = new TestSource();
    source.down = true;
    const { server } = await start({ sources: [source] });
    const res = await request(server).get(`${base}/orders-service`);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe('connection refused');
  });

  it('pages the on-call for an allowed user, in their name', async () => {
    const { server, source } = await start({ result: AuthorizeResult.ALLOW });
    const res = await request(server)
      .post(`${base}/orders-service/incidents`)
      .set('Authorization', mockCredentials.user.header())
      .send({ title: 'Checkout returns 502', urgency: 'high' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'Q1', status: 'triggered' });
    expect(source.triggered).toEqual([
      {
        title: 'Checkout returns 502',
        urgency: 'high',
        requestedBy: {
          userEntityRef: 'user:default/mock',
          email: 'mock@acme-freight.example',
        },
      },
    ]);
  });

  it('refuses to page for a user the policy does not allow, and pages nobody', async () => {
    const { server, source } = await start({ result: AuthorizeResult.DENY });
    const res = await request(server)
      .post(`${base}/orders-service/incidents`)
      .set('Authorization', mockCredentials.user.header())
      .send({ title: 'Checkout returns 502' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'user:default/mock may not page the on-call of component:default/orders-service: only its owners and the platform team can. Ask fulfilment-team or the platform team to page, or call the on-call shown on the card',
    );
    expect(source.triggered).toEqual([]);
  });

  it('refuses a page without a title or with unknown fields, saying which', async () => {
    const { server, source } = await start({ result: AuthorizeResult.ALLOW });
    const res = await request(server)
      .post(`${base}/orders-service/incidents`)
      .set('Authorization', mockCredentials.user.header())
      .send({ title: ' ', severity: 'sev1' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^title: Too small/);
    expect(res.body.error.message).toMatch(/severity/);
    expect(source.triggered).toEqual([]);
  });

  it('says a source without incidents cannot list them, and refuses a bad filter', async () => {
    const { server } = await start({});
    const legacy = await request(server).get(
      `${base}/legacy-service/incidents`,
    );
    expect(legacy.status).toBe(501);
    const bad = await request(server).get(
      `${base}/orders-service/incidents?status=burning&days=365`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/status/);
    expect(bad.body.error.message).toMatch(/days/);
  });

  it('refuses two sources with one id at start', async () => {
    await expect(
      start({ sources: [new TestSource(), new TestSource()] }),
    ).rejects.toThrow(
      "Two on-call providers with the id 'test-source': install one module per source",
    );
  });
});
