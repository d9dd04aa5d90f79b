import { isResourcePermission } from '@backstage/plugin-permission-common';
import { onCallIncidentTriggerPermission } from './permissions';

describe('onCallIncidentTriggerPermission', () => {
  it('is decided per catalog entity, so a policy can reserve it to the owners', () => {
    expect(
      isResourcePermission(onCallIncidentTriggerPermission, 'catalog-entity'),
    ).toBe(true);
    expect(onCallIncidentTriggerPermission.attributes.action).toBe('create');
  });
});
