import { Entity } from '@backstage/catalog-model';
import { entitiesNotOwnedBy } from './locationOwnership';

const fulfilment = ['user:default/lena-vogel', 'group:default/fulfilment-team'];

function component(name: string, owner?: string, namespace?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace },
    spec: owner === undefined ? {} : { owner, type: 'service' },
  };
}

describe('entitiesNotOwnedBy', () => {
  it('accepts entities owned by one of the claims, however the owner is written', () => {
    expect(
      entitiesNotOwnedBy(
        [
          component('a', 'fulfilment-team'),
          component('b', 'group:default/Fulfilment-Team'),
          component('c', 'user:lena-vogel'),
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Location',
            metadata: { name: 'all' },
            spec: { targets: ['./a.yaml'] },
          },
        ],
        fulfilment,
      ),
    ).toEqual([]);
  });

  it('names every entity another team owns, or nobody owns', () => {
    expect(
      entitiesNotOwnedBy(
        [
          component('a', 'fulfilment-team'),
          component('pay', 'payments-team'),
          component('x', 'fulfilment-team', 'other'),
          component('orphan'),
        ],
        fulfilment,
      ),
    ).toEqual([
      'component:default/pay (owner group:default/payments-team)',
      'component:other/x (owner group:other/fulfilment-team)',
      'component:default/orphan (no owner)',
    ]);
  });
});
