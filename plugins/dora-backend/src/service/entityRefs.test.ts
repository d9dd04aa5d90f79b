import { normalizeEntityRef } from './entityRefs';

describe('normalizeEntityRef', () => {
  it('defaults kind and namespace', () => {
    expect(normalizeEntityRef('orders-service', 'component')).toBe(
      'component:default/orders-service',
    );
    expect(normalizeEntityRef('Group:default/team-a', 'component')).toBe(
      'group:default/team-a',
    );
  });

  it.each([
    ["'; DROP TABLE dora_deployments; --", /name .* is not valid/],
    [
      '<script>alert(1)</script>',
      /namespace '<script>alert\(1\)<' is not valid/,
    ],
    ['sérvice-🚀', /name .* is not valid/],
    ['x'.repeat(64), /at most 63 characters/],
  ])('refuses %j, saying which part is wrong', (ref, reason) => {
    expect(() => normalizeEntityRef(ref, 'component')).toThrow(reason);
  });

  it('refuses what is not a ref at all', () => {
    expect(() => normalizeEntityRef('../../etc/passwd', 'component')).toThrow();
  });
});
