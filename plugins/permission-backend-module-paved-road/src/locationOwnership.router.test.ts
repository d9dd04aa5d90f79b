import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import request from 'supertest';
import { catalogEntity, mockCatalogFiles } from './__testUtils__/catalogFiles';
import { createLocationOwnershipRouter } from './locationOwnership';
import { RuntimeLocationRules } from './runtimeLocations';

const groups: Record<string, string[]> = {
  'user:default/chen-wei': ['group:default/payments-team'],
  'user:default/priya-shah': ['group:default/platform-team'],
};

const component = (name: string, owner: string) =>
  catalogEntity('Component', name, { type: 'service', owner });

const location = (name: string, spec: Entity['spec']) =>
  catalogEntity('Location', name, spec);

const payments = (...more: Entity[]) => [
  component('payments-tool', 'payments-team'),
  ...more,
];

/** The files a team might register, by URL; git.example is in reading.allow. */
const files: Record<string, Entity[]> = {
  'https://git.example/payments-tool.yaml': payments(),
  'https://git.example/orders.yaml': [
    component('orders-service', 'fulfilment-team'),
  ],
  'https://github.com/acme/payments/blob/main/catalog-info.yaml': payments(
    location('more', {
      targets: ['./docs/catalog-info.yaml', 'https://git.example/x.yaml'],
    }),
  ),
  'https://github.com/acme/payments/blob/main/template.yaml': payments(
    catalogEntity('Template', 'payments-admin', { owner: 'payments-team' }),
  ),
};

/** What the stand-in catalog's dry run finds: the file's entities. */
const entitiesAt = (target: string) => files[target] ?? [];

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
      entities: entitiesAt(target),
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
      items: entitiesAt(
        String(
          filter[
            'metadata.annotations.backstage.io/managed-by-origin-location'
          ],
        ).replace(/^url:/, ''),
      ),
    })),
  });
  const reader = mockCatalogFiles(files);
  const app = express();
  app.use(
    createLocationOwnershipRouter({
      httpAuth: mockServices.httpAuth(),
      auth: mockServices.auth(),
      catalog,
      reader,
      rules: RuntimeLocationRules.fromConfig(
        mockServices.rootConfig({
          data: {
            integrations: { github: [{ host: 'github.com' }] },
            backend: { reading: { allow: [{ host: 'git.example' }] } },
          },
        }),
      ),
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
  return { app, catalog, reader, reached };
}

const register = (
  app: express.Express,
  header: string,
  target: string,
  type = 'url',
) =>
  request(app)
    .post('/locations')
    .set('Authorization', header)
    .send({ type, target });

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

  describe('what a team may not register, however it is nested', () => {
    const platformOnly = (kind: string, name: string) =>
      catalogEntity(kind, name, {});

    it.each([
      [
        'a nested file location',
        location('local', { type: 'file', target: '/etc/passwd' }),
        'location:default/local: target file:/etc/passwd is not an HTTP(S) URL',
      ],
      [
        'a relative target of type file',
        location('relative', { type: 'file', targets: ['./secrets.yaml'] }),
        'target file:./secrets.yaml is not an HTTP(S) URL',
      ],
      [
        'a discovery location',
        location('org', {
          type: 'github-discovery',
          target: 'https://github.com/acme',
        }),
        'target github-discovery:https://github.com/acme is not an HTTP(S) URL',
      ],
      [
        'a non-HTTP URL',
        location('ftp', { target: 'ftp://github.com/x.yaml' }),
        'target url:ftp://github.com/x.yaml is not an HTTP(S) URL',
      ],
      [
        'a URL outside the integrations',
        location('far', {
          targets: ['https://evil.example/catalog-info.yaml'],
        }),
        'target url:https://evil.example/catalog-info.yaml is on evil.example, which is neither an integration host',
      ],
      [
        'a host behind user info',
        location('hidden', {
          target: 'https://github.com@evil.example/x.yaml',
        }),
        'is on evil.example',
      ],
      [
        'another port of an allowed host',
        location('port', { target: 'https://git.example:8443/x.yaml' }),
        'is on git.example:8443',
      ],
      [
        'a Template',
        platformOnly('Template', 'admin-access'),
        "template:default/admin-access: Templates, Groups and Users come only from the platform's locations",
      ],
      [
        'a Group',
        platformOnly('Group', 'platform-team'),
        "group:default/platform-team: Templates, Groups and Users come only from the platform's locations",
      ],
      [
        'a User',
        platformOnly('User', 'chen-wei'),
        "user:default/chen-wei: Templates, Groups and Users come only from the platform's locations",
      ],
    ])(
      'refuses a file with %s: 403 naming it, nothing dry-run or registered',
      async (_what, entity, message) => {
        const target = `https://github.com/acme/payments/blob/main/${entity.metadata.name}.yaml`;
        files[target] = payments(entity);
        const { app, catalog, reached } = createApp();
        const res = await register(app, chen, target);
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(message);
        expect(catalog.addLocation).not.toHaveBeenCalled();
        expect(reached).not.toHaveBeenCalled();
      },
    );

    it.each([
      [
        'on a host outside the integrations',
        'url',
        'https://evil.example/c.yaml',
      ],
      ['of type file', 'file', '/etc/passwd'],
    ])(
      'refuses a location %s without reading it',
      async (_what, type, target) => {
        const { app, reader, reached } = createApp();
        const res = await register(app, chen, target, type);
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(`target ${type}:${target}`);
        expect(reader.search).not.toHaveBeenCalled();
        expect(reached).not.toHaveBeenCalled();
      },
    );

    it('lets a team nest URL locations on integration and reading.allow hosts', async () => {
      const { app, reached } = createApp();
      const target =
        'https://github.com/acme/payments/blob/main/catalog-info.yaml';
      const res = await register(app, chen, target);
      expect(res.status).toBe(201);
      expect(reached).toHaveBeenCalledWith({ type: 'url', target });
    });

    it("leaves a malformed document to the catalog's dry run", async () => {
      const target = 'https://github.com/acme/payments/blob/main/odd.yaml';
      files[target] = payments({ metadata: {} } as Entity);
      const { app, catalog } = createApp();
      catalog.addLocation.mockRejectedValue(new InputError('no kind'));
      const res = await register(app, chen, target);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('no kind');
    });

    it("leaves the platform team's registrations to the catalog's processor", async () => {
      const { app, reader } = createApp();
      const res = await register(
        app,
        priya,
        'https://github.com/acme/payments/blob/main/template.yaml',
      );
      expect(res.status).toBe(201);
      expect(reader.search).not.toHaveBeenCalled();
    });
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
