import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { OnCallProvider } from './provider';
import { StaticAnnotationOnCallProvider } from './StaticAnnotationOnCallProvider';

const marco: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'marco-rossi' },
  spec: {
    profile: {
      displayName: 'Marco Rossi',
      email: 'marco.rossi@acme-freight.example',
    },
    memberOf: ['orders-team'],
  },
};

const component = (onCall?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-service',
    annotations: {
      'pagerduty.com/service-id': 'PORD7X2',
      ...(onCall === undefined ? {} : { 'paved-road.io/on-call': onCall }),
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'orders-team' },
});

describe('StaticAnnotationOnCallProvider', () => {
  const provider: OnCallProvider = StaticAnnotationOnCallProvider.create({
    catalog: catalogServiceMock({ entities: [marco] }),
    auth: mockServices.auth(),
  });
  const now = { now: new Date('2026-11-25T08:00:00Z') };

  it('answers for entities with the annotation only', () => {
    expect(provider.answers(component('marco-rossi'))).toBe(true);
    expect(provider.answers(component(''))).toBe(false);
    expect(provider.answers(component())).toBe(false);
    expect(provider.incidents).toBeUndefined();
    expect(provider.triggerIncident).toBeUndefined();
  });

  it('resolves a user ref or a bare name to the catalog user, as primary, always on call', async () => {
    for (const value of ['user:default/marco-rossi', 'marco-rossi']) {
      expect(await provider.onCallNow(component(value), now)).toEqual([
        {
          levels: [
            {
              level: 1,
              now: [
                {
                  contact: {
                    name: 'Marco Rossi',
                    email: 'marco.rossi@acme-freight.example',
                    userEntityRef: 'user:default/marco-rossi',
                  },
                },
              ],
              next: [],
            },
          ],
        },
      ]);
    }
  });

  it('says plainly when the annotated user is not in the catalog', async () => {
    const [rotation] = await provider.onCallNow(
      component('user:default/lena-vogel'),
      now,
    );
    expect(rotation.levels[0].now[0].contact).toEqual({
      name: 'user:default/lena-vogel',
      userEntityRef: 'user:default/lena-vogel',
      notInCatalog: true,
    });
  });
});
