import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ANNOTATION_ORIGIN_LOCATION, Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  catalogEntity as entity,
  mockCatalogFiles,
} from './__testUtils__/catalogFiles';
import { catalogModuleLocationOwnership } from './module';

const platformFile = 'https://github.com/acme/platform/blob/main/all.yaml';
const teamFile = 'https://github.com/acme/payments/blob/main/catalog-info.yaml';

const template = (name: string, annotations?: Record<string, string>) =>
  entity(
    'Template',
    name,
    { type: 'service', owner: 'platform-team', steps: [] },
    annotations,
  );

/** A user's files: each fine at the top, one with a far location further down. */
const userFile = 'https://github.com/acme/payments/blob/main/tool.yaml';
const deepFile = 'https://github.com/acme/payments/blob/main/deep.yaml';
const fineFile = 'https://github.com/acme/payments/blob/main/fine.yaml';
const chensTool = (name: string) =>
  entity('Component', name, {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'user:default/chen-wei',
  });

const files: Record<string, Entity[]> = {
  [userFile]: [
    chensTool('chens-tool'),
    entity('Location', 'deeper', { target: './deep.yaml' }),
  ],
  [deepFile]: [
    entity('Location', 'deep-far', { target: 'https://evil.example/d.yaml' }),
  ],
  [fineFile]: [
    chensTool('chens-other-tool'),
    entity('Location', 'nearby', { target: './nearby.yaml' }),
  ],
  'https://github.com/acme/payments/blob/main/nearby.yaml': [
    chensTool('chens-nearby-tool'),
  ],
  [platformFile]: [
    entity('Group', 'platform-team', { type: 'team', children: [] }),
    entity('User', 'priya-shah', { memberOf: ['platform-team'] }),
  ],
  [teamFile]: [
    entity('Component', 'payments-tool', {
      type: 'service',
      lifecycle: 'production',
      owner: 'payments-team',
    }),
    template('team-template'),
    // Claiming the platform's origin changes nothing: the catalog sets it.
    template('disguised-template', {
      [ANNOTATION_ORIGIN_LOCATION]: `url:${platformFile}`,
    }),
    entity('Group', 'payments-admins', { type: 'team', children: [] }),
    entity('User', 'mallory', { memberOf: ['platform-team'] }),
    entity('Location', 'local', { type: 'file', target: '/etc/passwd' }),
    entity('Location', 'far', { target: 'https://evil.example/c.yaml' }),
  ],
};

/**
 * The real catalog (SQLite in memory) with the module, whose catalog.rules
 * allow every kind everywhere: only the processor stands in the way.
 */
async function startCatalog() {
  const published: Array<{ entity: string; errors: Error[] }> = [];
  const reader = mockCatalogFiles(files);
  const { server } = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleLocationOwnership,
      reader.factory,
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.events.mock({
        publish: async ({ topic, eventPayload }) => {
          if (topic === 'experimental.catalog.errors') {
            published.push(eventPayload as (typeof published)[number]);
          }
        },
      }).factory,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          integrations: { github: [{ host: 'github.com' }] },
          catalog: {
            rules: [
              { allow: ['Component', 'Location', 'Template', 'Group', 'User'] },
            ],
            locations: [{ type: 'url', target: platformFile }],
          },
        },
      }),
    ],
  });
  const get = (ref: string) =>
    request(server)
      .get(`/api/catalog/entities/by-name/${ref}`)
      .set('Authorization', mockCredentials.service.header());
  /** The processing errors reported for an entity ref, once there are some. */
  const errorsOf = async (ref: string) => {
    for (let i = 0; i < 150; i++) {
      const found = published.find(p => p.entity === ref);
      if (found) {
        return found.errors.map(String).join('\n');
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error(`no processing errors for ${ref}`);
  };
  const stored = async (ref: string) => {
    for (let i = 0; i < 150; i++) {
      if ((await get(ref)).status === 200) {
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error(`${ref} was never stored`);
  };
  return { server, reader, get, errorsOf, stored };
}

describe('PlatformLocationsProcessor, in the catalog', () => {
  jest.setTimeout(60_000);

  it("keeps Templates, Groups, Users and far locations to the platform's locations", async () => {
    const { server, reader, get, errorsOf, stored } = await startCatalog();
    // A service (the scaffolder) registers: no route check, only processing.
    const res = await request(server)
      .post('/api/catalog/locations')
      .set('Authorization', mockCredentials.service.header())
      .send({ type: 'url', target: teamFile });
    expect(res.status).toBe(201);

    // From the platform's location (catalog.locations): stored.
    await stored('group/default/platform-team');
    await stored('user/default/priya-shah');
    // From the registered one: the component, and nothing of the rest.
    await stored('component/default/payments-tool');
    for (const [kind, name] of [
      ['template', 'team-template'],
      ['template', 'disguised-template'],
      ['group', 'payments-admins'],
      ['user', 'mallory'],
    ]) {
      const ref = `${kind}:default/${name}`;
      expect(await errorsOf(ref)).toContain(
        `${ref}: Templates, Groups and Users come only from the platform's locations`,
      );
      expect((await get(`${kind}/default/${name}`)).status).toBe(404);
    }
    expect(await errorsOf('location:default/local')).toContain(
      'target file:/etc/passwd is not an HTTP(S) URL',
    );
    expect(await errorsOf('location:default/far')).toContain(
      'target url:https://evil.example/c.yaml is on evil.example',
    );
    // The refused location is not followed: no read of evil.example.
    expect(
      reader.search.mock.calls.map(([url]) => new URL(url).host),
    ).not.toContain('evil.example');
  });

  it("refuses a user's location whose deeper file breaks the rules, with the processor's reason, and registers nothing", async () => {
    const { server, reader } = await startCatalog();
    const chen = mockCredentials.user.header('user:default/chen-wei');
    const res = await request(server)
      .post('/api/catalog/locations')
      .set('Authorization', chen)
      .send({ type: 'url', target: userFile });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      `The catalog refused url:${userFile}:`,
    );
    expect(res.body.error.message).toContain(
      'location:default/deep-far: target url:https://evil.example/d.yaml is on evil.example',
    );
    const locations = await request(server)
      .get('/api/catalog/locations')
      .set('Authorization', mockCredentials.service.header());
    expect(JSON.stringify(locations.body)).not.toContain(userFile);
    expect(
      reader.search.mock.calls.map(([url]) => new URL(url).host),
    ).not.toContain('evil.example');

    // Nested locations on the integration's host: registered.
    const allowed = await request(server)
      .post('/api/catalog/locations')
      .set('Authorization', chen)
      .send({ type: 'url', target: fineFile });
    expect(allowed.status).toBe(201);
  });
});
