import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import request from 'supertest';
import { createLocationOwnershipRouter } from './locationOwnership';

const groups: Record<string, string[]> = {
  'user:default/chen-wei': ['group:default/payments-team'],
  'user:default/priya-shah': ['group:default/platform-team'],
};

function component(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner },
  };
}

const files: Record<string, Entity[]> = {
  'https://git.example/payments-tool.yaml': [
    component('payments-tool', 'payments-team'),
  ],
  'https://git.example/orders.yaml': [
    component('orders-service', 'fulfilment-team'),
  ],
};

/** The guard in front of a stand-in for the catalog's own routes. */
function createApp() {
  const catalog = catalogServiceMock.mock({
    addLocation: jest.fn(async ({ type, target }) => ({
      location: {
        id: 'dry',
        type: type ?? 'url',
        target,
        entityRef: 'location:default/dry',
      },
      entities: files[target] ?? [],
      exists: false,
    })),
    getLocationById: jest.fn(async (id: string) =>
      id === 'unknown'
        ? undefined
        : {
            id,
            type: 'url',
            target: `https://git.example/${id}.yaml`,
            entityRef: `location:default/${id}`,
          },
    ),
    getEntities: jest.fn(async ({ filter }: any) => ({
      items:
        files[
          String(
            filter[
              'metadata.annotations.backstage.io/managed-by-origin-location'
            ],
          ).replace(/^url:/, '')
        ] ?? [],
    })),
  });
  const app = express();
  app.use(
    createLocationOwnershipRouter({
      httpAuth: mockServices.httpAuth(),
      auth: mockServices.auth(),
      catalog,
      platformTeam: 'group:default/platform-team',
      getUserInfo: async credentials => {
        const ref = (credentials.principal as { userEntityRef: string })
          .userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, ...(groups[ref] ?? [])],
        };
      },
    }),
  );
  const reached = jest.fn();
  app.post('/locations', (req, res) => {
    reached(req.body);
    res.status(201).json({ registered: req.body.target });
  });
  app.delete('/locations/:id', (req, res) => {
    reached(req.params.id);
    res.status(204).end();
  });
  app.use(mockErrorHandler());
  return { app, catalog, reached };
}

const register = (app: express.Express, header: string, target: string) =>
  request(app)
    .post('/locations')
    .set('Authorization', header)
    .send({ type: 'url', target });

describe('createLocationOwnershipRouter', () => {
  const chen = mockCredentials.user.header('user:default/chen-wei');
  const priya = mockCredentials.user.header('user:default/priya-shah');

  it('lets a user register a location whose entities their team owns', async () => {
    const { app, reached } = createApp();
    const res = await register(
      app,
      chen,
      'https://git.example/payments-tool.yaml',
    );
    expect(res.status).toBe(201);
    expect(reached).toHaveBeenCalledWith({
      type: 'url',
      target: 'https://git.example/payments-tool.yaml',
    });
  });

  it("refuses another team's entities with 403, naming them, before the catalog stores anything", async () => {
    const { app, reached } = createApp();
    const res = await register(app, chen, 'https://git.example/orders.yaml');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      'component:default/orders-service (owner group:default/fulfilment-team)',
    );
    expect(reached).not.toHaveBeenCalled();
  });

  it('lets the platform team and services register anything, without a dry run', async () => {
    const { app, catalog, reached } = createApp();
    for (const header of [priya, mockCredentials.service.header()]) {
      const res = await register(
        app,
        header,
        'https://git.example/orders.yaml',
      );
      expect(res.status).toBe(201);
    }
    expect(reached).toHaveBeenCalledTimes(2);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('passes dry runs through (they store nothing)', async () => {
    const { app, reached } = createApp();
    const res = await request(app)
      .post('/locations?dryRun=true')
      .set('Authorization', chen)
      .send({ type: 'url', target: 'https://git.example/orders.yaml' });
    expect(res.status).toBe(201);
    expect(reached).toHaveBeenCalled();
  });

  it('unregisters only locations whose entities the user owns', async () => {
    const { app, reached } = createApp();
    const remove = (id: string) =>
      request(app).delete(`/locations/${id}`).set('Authorization', chen);
    expect((await remove('orders')).status).toBe(403);
    expect(reached).not.toHaveBeenCalled();
    expect((await remove('payments-tool')).status).toBe(204);
    // An unknown id is the catalog's to answer (404).
    expect((await remove('unknown')).status).toBe(204);
    expect(reached).toHaveBeenCalledTimes(2);
  });
});
