import { entityRefKey } from './entityRefs';

describe('entityRefKey', () => {
  it('gives the full ref in lower case, for entities, compound refs and strings', () => {
    expect(
      entityRefKey({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'Orders' },
      }),
    ).toBe('component:default/orders');
    expect(
      entityRefKey({ kind: 'Group', namespace: 'Platform', name: 'Team-A' }),
    ).toBe('group:platform/team-a');
    expect(entityRefKey('Component:Default/Orders')).toBe(
      'component:default/orders',
    );
  });

  it('is a full ref string in lower case', () => {
    for (const ref of [
      'component:default/orders',
      'Group:Platform/Team-A',
      'Component:Default/Name:With/Slash',
      'API:Ns:X/Y',
      'User:DEFAULT/JANE.DOE_1',
    ]) {
      expect(entityRefKey(ref)).toBe(ref.toLocaleLowerCase('en-US'));
    }
  });

  it('fills in a missing kind and namespace from the context', () => {
    expect(
      entityRefKey('Team-A', { defaultKind: 'group', defaultNamespace: 'ops' }),
    ).toBe('group:ops/team-a');
    expect(entityRefKey('user:Jane', { defaultNamespace: 'ops' })).toBe(
      'user:ops/jane',
    );
    expect(entityRefKey('user:Jane')).toBe('user:default/jane');
  });

  it('throws for what is not a ref', () => {
    expect(() => entityRefKey('orders')).toThrow(/kind/);
    expect(() => entityRefKey('')).toThrow();
    expect(() => entityRefKey('group:default/')).toThrow();
  });
});
