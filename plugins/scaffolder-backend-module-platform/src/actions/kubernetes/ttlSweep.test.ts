import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  KubernetesDouble,
  closedPortUrl,
  kubernetesStatus,
} from '@internal/platform-api-doubles';
import { actionContext } from '../../__testUtils__/actionContext';
import { allowEveryone } from '../../__testUtils__/access';
import { createNamespaceProvisionAction } from './namespace';
import { sweepExpiredNamespaces } from './ttlSweep';

const PROVISIONED = new Date('2026-11-25T12:00:00.000Z');
/** The sweep runs two hours later: a "1h" TTL has passed, a "7d" one has not. */
const SWEEP = new Date(PROVISIONED.getTime() + 2 * 3_600_000);
const PAST = '2026-11-25T13:00:00.000Z';

describe('sweepExpiredNamespaces', () => {
  let k8s: KubernetesDouble;

  beforeEach(async () => {
    k8s = await new KubernetesDouble().start();
  });
  afterEach(() => k8s.close());

  const cluster = () => ({
    name: 'dev',
    url: k8s.url,
    serviceAccountToken: k8s.token,
    skipTLSVerify: true,
  });

  /** Provisions as a golden path does: the real action, our field manager. */
  async function provision(namespace: string, ttl?: string) {
    await createNamespaceProvisionAction({
      access: allowEveryone,
      config: new ConfigReader({
        pavedRoad: { kubernetes: { clusters: [cluster()] } },
      }),
      now: () => PROVISIONED,
    }).handler(
      actionContext({
        cluster: 'dev',
        namespace,
        owner: 'fulfilment-team',
        ...(ttl ? { ttl } : {}),
      }),
    );
  }

  /** What `kubectl label` / `kubectl annotate` do: a merge by another manager. */
  function markEphemeral(namespace: string, manager: string) {
    k8s.seed(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: namespace,
          labels: { 'paved-road.io/ephemeral': 'true' },
          annotations: { 'paved-road.io/expires-at': PAST },
        },
      },
      manager,
      'Update',
    );
  }

  async function sweep(extraClusters: object[] = []) {
    const logger = mockServices.logger.mock();
    const result = await sweepExpiredNamespaces({
      config: new ConfigReader({
        pavedRoad: {
          kubernetes: { clusters: [...extraClusters, cluster()] },
        },
      }),
      logger,
      now: SWEEP,
      retryPolicy: { retries: 0, baseDelayMs: 1 },
    });
    return { result, logger };
  }

  const namespaces = () =>
    [...k8s.objects.values()]
      .filter(o => o.kind === 'Namespace')
      .map(o => o.metadata.name)
      .sort();
  const deletes = () =>
    k8s
      .mutations()
      .filter(r => r.method === 'DELETE')
      .map(r => r.path);

  it('deletes our expired ephemeral namespace, with its content, by uid', async () => {
    await provision('orders-pr-1', '1h');
    await provision('orders-pr-2', '7d');
    const uid = k8s.get('v1', 'Namespace', 'orders-pr-1')!.metadata.uid;

    const { result } = await sweep();

    expect(result).toEqual({
      deleted: ['dev/orders-pr-1'],
      failed: [],
      failedClusters: [],
    });
    expect(namespaces()).toEqual(['orders-pr-2']);
    expect(
      [...k8s.objects.values()].filter(
        o => o.metadata.namespace === 'orders-pr-1',
      ),
    ).toEqual([]);
    // The delete names the exact object inspected.
    const [deletion] = k8s.mutations().filter(r => r.method === 'DELETE');
    expect(deletion.path).toBe('/api/v1/namespaces/orders-pr-1');
    expect(deletion.body).toMatchObject({ preconditions: { uid } });
    expect(deletion.query.get('propagationPolicy')).toBe('Background');
  });

  it('keeps namespaces whose ephemeral label or expiry another field manager set', async () => {
    // A permanent namespace of ours that someone marked for deletion.
    await provision('orders-service');
    markEphemeral('orders-service', 'kubectl-label');
    // Ours and ephemeral, but someone force-applied an earlier expiry.
    await provision('orders-pr-3', '7d');
    k8s.seed({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'orders-pr-3',
        annotations: { 'paved-road.io/expires-at': PAST },
      },
    });
    // Someone else's namespace with our labels copied onto it.
    k8s.seed({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'copied-labels',
        labels: {
          'app.kubernetes.io/managed-by': 'paved-road',
          'paved-road.io/owner': 'fulfilment-team',
          'paved-road.io/ephemeral': 'true',
        },
        annotations: { 'paved-road.io/expires-at': PAST },
      },
    });
    // Ours, not ephemeral, with someone's past expiry annotation.
    await provision('payments-service');
    k8s.seed({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'payments-service',
        annotations: { 'paved-road.io/expires-at': PAST },
      },
    });

    const { result, logger } = await sweep();

    expect(result).toEqual({ deleted: [], failed: [], failedClusters: [] });
    expect(namespaces()).toEqual([
      'copied-labels',
      'orders-pr-3',
      'orders-service',
      'payments-service',
    ]);
    expect(deletes()).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Namespace TTL sweep keeps "dev/orders-service": label paved-road.io/ephemeral was set by "kubectl-label", not by "paved-road-scaffolder" alone',
    );
    expect(logger.warn).toHaveBeenCalledWith(
      'Namespace TTL sweep keeps "dev/orders-pr-3": annotation paved-road.io/expires-at was set by "kubectl", not by "paved-road-scaffolder" alone',
    );
    expect(logger.warn).toHaveBeenCalledWith(
      'Namespace TTL sweep keeps "dev/copied-labels": label paved-road.io/ephemeral was set by "kubectl", not by "paved-road-scaffolder" alone',
    );
  });

  it('sends no second delete for a namespace already terminating', async () => {
    await provision('orders-pr-4', '1h');
    // A finalizer keeps it Terminating after someone deleted it.
    k8s.seed(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'orders-pr-4', finalizers: ['example.com/backup'] },
      },
      'backup-operator',
      'Update',
    );
    k8s.delete('v1', 'Namespace', 'orders-pr-4');
    expect(k8s.get('v1', 'Namespace', 'orders-pr-4')!.status.phase).toBe(
      'Terminating',
    );

    const { result, logger } = await sweep();

    expect(result).toEqual({ deleted: [], failed: [], failedClusters: [] });
    expect(deletes()).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Namespace TTL sweep leaves "dev\/orders-pr-4" alone: already terminating since /,
      ),
    );
  });

  it('goes on when a cluster is down or one delete is refused, and reports both', async () => {
    await provision('orders-pr-5', '1h');
    await provision('orders-pr-6', '1h');
    await provision('orders-pr-7', '1h');
    k8s.failNext(
      1,
      403,
      kubernetesStatus(
        403,
        'Forbidden',
        'namespaces "orders-pr-5" is forbidden: admission webhook "protect.example.com" denied the request',
      ).body,
      r => r.method === 'DELETE' && r.path.endsWith('/orders-pr-5'),
    );
    k8s.failNext(
      1,
      500,
      kubernetesStatus(500, 'InternalError', 'etcdserver: request timed out')
        .body,
      r => r.method === 'DELETE' && r.path.endsWith('/orders-pr-6'),
    );
    const down = {
      name: 'down',
      url: await closedPortUrl(),
      serviceAccountToken: 'x',
      skipTLSVerify: true,
    };

    const { result, logger } = await sweep([down]);

    expect(result).toEqual({
      deleted: ['dev/orders-pr-7'],
      failed: ['dev/orders-pr-5', 'dev/orders-pr-6'],
      failedClusters: ['down'],
    });
    expect(namespaces()).toEqual(['orders-pr-5', 'orders-pr-6']);
    expect(deletes()).toEqual([
      '/api/v1/namespaces/orders-pr-5',
      '/api/v1/namespaces/orders-pr-6',
      '/api/v1/namespaces/orders-pr-7',
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Namespace TTL sweep could not delete "dev/orders-pr-5": Kubernetes "dev" answered 403 Forbidden to delete Namespace orders-pr-5: namespaces "orders-pr-5" is forbidden: admission webhook',
      ),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Namespace TTL sweep skipped Kubernetes cluster "down"',
      ),
    );
  });
});
