import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { GroupCatalog, GroupHierarchy } from './groupHierarchy';

const group = (
  name: string,
  spec: { parent?: string; children?: Array<string | number> } = {},
  namespace?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, ...(namespace ? { namespace } : {}), title: `${name}!` },
  spec: { type: 'team', children: [], ...spec },
});

const refs = (nodes: Array<{ ref: string }> | undefined) =>
  nodes?.map(n => n.ref).sort();

describe('GroupHierarchy', () => {
  it('reads the tree from spec.parent and spec.children alike', () => {
    const hierarchy = GroupHierarchy.fromGroups([
      group('eng', { children: ['payments'] }),
      group('payments', { children: [] }),
      group('Checkout', { parent: 'group:default/payments' }),
      group('logistics', { parent: 'eng' }),
      group('ops'),
    ]);
    expect(refs(hierarchy.subtree('group:default/eng'))).toEqual([
      'group:default/checkout',
      'group:default/eng',
      'group:default/logistics',
      'group:default/payments',
    ]);
    expect(hierarchy.get('group:default/payments')).toEqual({
      ref: 'group:default/payments',
      title: 'payments!',
      parent: 'group:default/eng',
      children: ['group:default/checkout'],
    });
    // Refs in lower case, as the catalog compares them.
    expect(hierarchy.get('group:default/checkout')?.parent).toBe(
      'group:default/payments',
    );
    expect(refs(hierarchy.subtree('group:default/ops'))).toEqual([
      'group:default/ops',
    ]);
    expect(hierarchy.subtree('group:default/nobody')).toBeUndefined();
    expect(hierarchy.nodes).toHaveLength(5);
  });

  it('resolves short refs in the group’s namespace and ignores what is no ref', () => {
    const hierarchy = GroupHierarchy.fromGroups([
      group('platform', { children: ['sre', 42, '', 'user:bad:'] }, 'infra'),
      group('sre', {}, 'infra'),
    ]);
    expect(hierarchy.get('group:infra/platform')?.children).toEqual([
      'group:infra/sre',
    ]);
    expect(hierarchy.get('group:infra/sre')?.parent).toBe(
      'group:infra/platform',
    );
  });

  it('keeps a parent the catalog does not have, and cuts cycles', () => {
    const hierarchy = GroupHierarchy.fromGroups([
      group('a', { parent: 'b' }),
      group('b', { parent: 'a' }),
      group('orphan', { parent: 'gone' }),
    ]);
    expect(refs(hierarchy.subtree('group:default/a'))).toEqual([
      'group:default/a',
      'group:default/b',
    ]);
    expect(hierarchy.get('group:default/orphan')?.parent).toBe(
      'group:default/gone',
    );
  });

  it('loads every Group from the catalog with the credentials given', async () => {
    const credentials = mockCredentials.service('plugin:dora');
    const getEntities = jest.fn<
      ReturnType<GroupCatalog['getEntities']>,
      Parameters<GroupCatalog['getEntities']>
    >(async () => ({
      items: [group('eng'), group('payments', { parent: 'eng' })],
    }));
    const hierarchy = await GroupHierarchy.load({ getEntities }, credentials);
    expect(getEntities).toHaveBeenCalledWith(
      expect.objectContaining({ filter: { kind: 'Group' } }),
      { credentials },
    );
    expect(refs(hierarchy.subtree('group:default/eng'))).toEqual([
      'group:default/eng',
      'group:default/payments',
    ]);
  });
});
