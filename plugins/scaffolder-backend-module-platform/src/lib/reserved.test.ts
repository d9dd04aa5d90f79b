import { ConfigReader } from '@backstage/config';
import { ReservedNames, assertNoReservedLabels } from './reserved';

describe('ReservedNames', () => {
  const reserved = ReservedNames.fromConfig(
    new ConfigReader({ pavedRoad: { reservedNamespaces: ['payments-*'] } }),
  );

  it.each([
    'kube-system',
    'kube-public',
    'default',
    'argocd',
    'vault',
    'cert-manager',
    'ingress-nginx',
    'monitoring',
    'istio-system',
    'flux-system',
    'gatekeeper-system',
    'backstage',
    'payments-ledger',
  ])('refuses %s', name => {
    expect(() => reserved.assertAllowed(name, 'namespace')).toThrow(
      `namespace "${name}" is reserved`,
    );
  });

  it.each([
    'orders-service',
    'kubecost-reports',
    'my-vault-client',
    'payments',
  ])('allows %s', name => {
    expect(() => reserved.assertAllowed(name, 'namespace')).not.toThrow();
  });

  it('adds the configured patterns to the defaults instead of replacing them', () => {
    expect(reserved.reservedBy('kube-system')).toBe('kube-*');
    expect(reserved.reservedBy('payments-ledger')).toBe('payments-*');
  });
});

describe('assertNoReservedLabels', () => {
  it.each([
    'pod-security.kubernetes.io/enforce',
    'kubernetes.io/metadata.name',
    'node-role.kubernetes.io/control-plane',
    'k8s.io/anything',
    'paved-road.io/owner',
    'app.kubernetes.io/managed-by',
  ])('refuses %s', key => {
    expect(() => assertNoReservedLabels({ [key]: 'x' })).toThrow(
      `"${key}" use a prefix reserved`,
    );
  });

  it('allows team labels and the recommended app.kubernetes.io names', () => {
    expect(() =>
      assertNoReservedLabels({
        'preview-of': 'orders-service',
        'acme.io/cost-centre': 'freight',
        'app.kubernetes.io/part-of': 'orders',
      }),
    ).not.toThrow();
  });
});
