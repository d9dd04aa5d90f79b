import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import path from 'node:path';
import { catalogEntity } from './__testUtils__/catalogFiles';
import { RuntimeLocationRules } from './runtimeLocations';

const rules = RuntimeLocationRules.fromConfig(
  mockServices.rootConfig({
    data: {
      integrations: {
        github: [{ host: 'github.com' }, { host: 'ghe.acme.example:8443' }],
      },
      backend: {
        reading: {
          allow: [
            { host: '127.0.0.1:4000-4010' },
            { host: '*.docs.example' },
            { host: 'files.example', paths: ['/catalog/'] },
          ],
        },
      },
      catalog: {
        locations: [
          { type: 'file', target: '../../catalog/all.yaml' },
          {
            type: 'url',
            target: 'https://github.com/acme/org/blob/main/org.yaml',
          },
        ],
      },
    },
  }),
);

const url = (target: string) => ({ type: 'url', target });

describe('RuntimeLocationRules', () => {
  it.each([
    'https://github.com/acme/payments/blob/main/catalog-info.yaml',
    'https://ghe.acme.example:8443/acme/x/blob/main/catalog-info.yaml',
    'http://127.0.0.1:4005/x/catalog-info.yaml',
    'https://api.docs.example/catalog-info.yaml',
    'https://files.example/catalog/team/catalog-info.yaml',
  ])('lets a runtime location point at %s', target => {
    expect(rules.targetRefusal(url(target))).toBeUndefined();
  });

  it.each([
    ['https://gitlab.acme.example/x.yaml', 'gitlab.acme.example'],
    ['https://github.com:8443/acme/x.yaml', 'github.com:8443'],
    ['https://ghe.acme.example/acme/x.yaml', 'ghe.acme.example'],
    ['http://127.0.0.1:4011/x.yaml', '127.0.0.1:4011'],
    ['http://127.0.0.1/x.yaml', '127.0.0.1'],
    ['https://docs.example.evil.example/x.yaml', 'docs.example.evil.example'],
    ['https://files.example/catalog/../secrets/x.yaml', 'files.example'],
    ['https://files.example/catalogue/x.yaml', 'files.example'],
  ])('refuses %s, naming its host', (target, host) => {
    expect(rules.targetRefusal(url(target))).toContain(`is on ${host}, which`);
  });

  it.each([
    { type: 'file', target: '/etc/passwd' },
    { type: 'url', target: 'file:///etc/passwd' },
    { type: 'url', target: 'not a url' },
    { type: 'github-discovery', target: 'https://github.com/acme' },
  ])('refuses $type:$target as not an HTTP(S) URL', location => {
    expect(rules.targetRefusal(location)).toContain('is not an HTTP(S) URL');
  });

  it('resolves relative targets against the file, as the catalog does', () => {
    const base = url(
      'https://github.com/acme/payments/blob/main/catalog-info.yaml',
    );
    const nested = (spec: Entity['spec']) =>
      rules.entityRefusals(catalogEntity('Location', 'nested', spec), base);
    expect(
      nested({ targets: ['./docs/catalog-info.yaml', '../../other/x.yaml'] }),
    ).toEqual([]);
    // What the catalog would resolve off the host is checked where it lands.
    expect(
      nested({
        targets: ['\\\\evil.example/x.yaml', 'https:evil.example/x.yaml'],
      }),
    ).toEqual([
      expect.stringContaining(
        'url:https://evil.example/x.yaml is on evil.example',
      ),
      expect.stringContaining('is on evil.example'),
    ]);
    // Another type is not resolved against a URL: the catalog reads it as is.
    expect(nested({ type: 'file', target: './x.yaml' })).toEqual([
      "location:default/nested: target file:./x.yaml is not an HTTP(S) URL: point locations at files in repositories on the integrations' hosts",
    ]);
  });

  it('refuses Templates, Groups and Users, whoever owns them, and nothing else', () => {
    const base = url(
      'https://github.com/acme/payments/blob/main/catalog-info.yaml',
    );
    const refusals = (kind: string) =>
      rules.entityRefusals(
        catalogEntity(kind, 'x', { owner: 'payments-team' }),
        base,
      );
    for (const kind of ['Template', 'Group', 'User', 'template']) {
      expect(refusals(kind)).toEqual([
        expect.stringContaining("come only from the platform's locations"),
      ]);
    }
    for (const kind of ['Component', 'API', 'Resource', 'System']) {
      expect(refusals(kind)).toEqual([]);
    }
  });

  it('knows the platform locations by the origin the catalog gives them', () => {
    expect(
      rules.isPlatformLocation({
        type: 'file',
        target: path.resolve('../../catalog/all.yaml'),
      }),
    ).toBe(true);
    expect(
      rules.isPlatformLocation(
        url('https://github.com/acme/org/blob/main/org.yaml'),
      ),
    ).toBe(true);
    expect(
      rules.isPlatformLocation({
        type: 'file',
        target: '../../catalog/all.yaml',
      }),
    ).toBe(false);
    expect(
      rules.isPlatformLocation(
        url('https://github.com/acme/payments/blob/main/org.yaml'),
      ),
    ).toBe(false);
  });
});
