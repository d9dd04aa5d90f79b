import { Entity } from '@backstage/catalog-model';

export function component(name: string, owner: string, slug?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      ...(slug ? { annotations: { 'github.com/project-slug': slug } } : {}),
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

export function group(
  name: string,
  parent?: string,
  children: string[] = [],
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children, ...(parent ? { parent } : {}) },
  };
}

/** The example catalog of the tests: org > (team-a > team-a-sub), team-b. */
export const testEntities: Entity[] = [
  group('org', undefined, ['team-a', 'team-b']),
  group('team-a', 'org', ['team-a-sub']),
  group('team-a-sub', 'team-a'),
  group('team-b', 'org'),
  component('a', 'team-a', 'acme/a'),
  component('a2', 'team-a-sub'),
  component('b', 'group:default/team-b', 'acme/b'),
];
