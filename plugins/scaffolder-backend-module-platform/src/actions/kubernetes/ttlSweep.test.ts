import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { KubernetesDouble } from '@internal/platform-api-doubles';
import { closedPortUrl } from '@internal/platform-api-doubles';
import { sweepExpiredNamespaces } from './ttlSweep';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const HOUR = 3_600_000;

describe('sweepExpiredNamespaces', () => {
  let k8s: KubernetesDouble;

  beforeEach(async () => {
    k8s = await new KubernetesDouble().start();
  });
  afterEach(() => k8s.close());

  function namespace(
    name: string,
    expiresAt: Date | undefined,
    labels: Record<string, string> = {
      'app.kubernetes.io/managed-by': 'paved-road',
      'paved-road.io/ephemeral': 'true',
    },
  ) {
    return {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels,
        annotations: expiresAt
          ? { 'paved-road.io/expires-at': expiresAt.toISOString() }
          : {},
      },
    };
  }

  it('deletes only expired ephemeral namespaces that this module applied', async () => {
    const past = new Date(NOW.getTime() - HOUR);
    const future = new Date(NOW.getTime() + HOUR);
    k8s.seed(namespace('orders-pr-1', past), 'paved-road-scaffolder');
    k8s.seed(namespace('orders-pr-2', future), 'paved-road-scaffolder');
    // Our labels copied onto a namespace someone else manages.
    k8s.seed(namespace('copied-labels', past), 'kubectl');
    // Applied by us, expired annotation, but permanent (no ephemeral label).
    k8s.seed(
      namespace('orders-service', past, {
        'app.kubernetes.io/managed-by': 'paved-road',
      }),
      'paved-road-scaffolder',
    );
    // Ours and ephemeral, but the expiry is unreadable.
    k8s.seed(
      {
        ...namespace('orders-pr-3', undefined),
        metadata: {
          ...namespace('orders-pr-3', undefined).metadata,
          annotations: { 'paved-road.io/expires-at': 'soon' },
        },
      },
      'paved-road-scaffolder',
    );
    k8s.seed({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'paved-road-quota', namespace: 'orders-pr-1' },
      spec: { hard: { pods: '1' } },
    });
    const unreachable = await closedPortUrl();
    const logger = mockServices.logger.mock();

    const result = await sweepExpiredNamespaces({
      config: new ConfigReader({
        pavedRoad: {
          kubernetes: {
            clusters: [
              {
                name: 'down',
                url: unreachable,
                serviceAccountToken: 'x',
                skipTLSVerify: true,
              },
              {
                name: 'dev',
                url: k8s.url,
                serviceAccountToken: k8s.token,
                skipTLSVerify: true,
              },
            ],
          },
        },
      }),
      logger,
      now: NOW,
      retryPolicy: { retries: 0, baseDelayMs: 1 },
    });

    expect(result).toEqual({
      deleted: ['dev/orders-pr-1'],
      failedClusters: ['down'],
    });
    const remaining = [...k8s.objects.values()].map(o => o.metadata.name);
    expect(remaining.sort()).toEqual([
      'copied-labels',
      'orders-pr-2',
      'orders-pr-3',
      'orders-service',
    ]);
    // The delete names the exact object inspected.
    const deletion = k8s.requests.find(r => r.method === 'DELETE')!;
    expect(deletion.body).toMatchObject({
      preconditions: { uid: expect.stringContaining('orders-pr-1') },
    });
    expect(deletion.query.get('propagationPolicy')).toBe('Background');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Namespace TTL sweep skipped Kubernetes cluster "down"',
      ),
    );
  });
});
