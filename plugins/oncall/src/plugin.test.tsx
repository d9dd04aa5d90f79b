import { Entity } from '@backstage/catalog-model';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import oncallPlugin from './index';
import { onCallEntityCard, teamOnCallEntityCard } from './plugin';

function entity(kind: string, type: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'x' },
    spec: { type },
  };
}

describe('oncallPlugin', () => {
  it('puts the on-call card on components and the team card on groups, with the backend client', () => {
    expect(
      oncallPlugin.getExtension('entity-card:oncall/team-on-call'),
    ).toBeDefined();
    expect(oncallPlugin.getExtension('api:oncall')).toBeDefined();
    const { filterFunction } = EntityCardBlueprint.dataRefs;
    const component =
      createExtensionTester(onCallEntityCard).get(filterFunction)!;
    const team =
      createExtensionTester(teamOnCallEntityCard).get(filterFunction)!;
    expect(component(entity('Component', 'service'))).toBe(true);
    expect(component(entity('Group', 'team'))).toBe(false);
    expect(team(entity('Group', 'team'))).toBe(true);
    expect(team(entity('Component', 'service'))).toBe(false);
  });
});
