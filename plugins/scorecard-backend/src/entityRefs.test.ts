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

  it('fills in a missing kind and namespace from the context', () => {
    expect(
      entityRefKey('Team-A', { defaultKind: 'group', defaultNamespace: 'ops' }),
    ).toBe('group:ops/team-a');
    expect(entityRefKey('user:Jane', { defaultNamespace: 'ops' })).toBe(
      'user:ops/jane',
    );
  });

  it('throws for what is not a ref', () => {
    expect(() => entityRefKey('orders')).toThrow(/kind/);
    expect(() => entityRefKey('')).toThrow();
  });
});
