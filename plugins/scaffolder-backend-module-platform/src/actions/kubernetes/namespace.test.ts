import { ConfigReader } from '@backstage/config';
import { validate } from 'jsonschema';
import yaml from 'yaml';
import {
  KubernetesDouble,
  kubernetesStatus,
} from '@internal/platform-api-doubles';
import { checkpointStore } from '../../__testUtils__/checkpoints';
import {
  actionContext as context,
  captureLogs,
  expectRefusedBeforeAnyCall,
  fastRetries,
  outputsOf as outputs,
  visibleText,
} from '../../__testUtils__/actionContext';
import {
  allowEveryone,
  denyEveryone,
  memberOf,
} from '../../__testUtils__/access';
import { closedPortUrl } from '@internal/platform-api-doubles';
import { expectExamplesWork } from '../../__testUtils__/examples';
import { createNamespaceProvisionAction, inputFields } from './namespace';
import { examples } from './namespace.examples';

const NOW = new Date('2026-11-25T12:00:00.000Z');

describe('kubernetes:namespace:provision', () => {
  let k8s: KubernetesDouble;
  let unreachable: string;

  beforeAll(async () => {
    unreachable = await closedPortUrl();
  });
  beforeEach(async () => {
    k8s = await new KubernetesDouble().start();
  });
  afterEach(() => k8s.close());

  function makeAction(token = k8s.token, access = allowEveryone) {
    return createNamespaceProvisionAction({
      access,
      config: new ConfigReader({
        pavedRoad: {
          reservedNamespaces: ['billing-*'],
          kubernetes: {
            clusters: [
              // The doubles speak plain HTTP, which the client only allows
              // with skipTLSVerify (as for a local test cluster).
              {
                name: 'dev',
                url: k8s.url,
                serviceAccountToken: token,
                skipTLSVerify: true,
              },
              {
                name: 'edge',
                url: unreachable,
                serviceAccountToken: 'x',
                skipTLSVerify: true,
              },
            ],
          },
        },
      }),
      retryPolicy: fastRetries,
      now: () => NOW,
    });
  }

  const baseInput = {
    cluster: 'dev',
    namespace: 'orders-service',
    owner: 'fulfilment-team',
    ownerGroup: 'acme:fulfilment-team',
  };

  const quota = () =>
    k8s.get('v1', 'ResourceQuota', 'paved-road-quota', 'orders-service');

  it('creates the namespace, quota, limits, network policies and team binding', async () => {
    const ctx = context({ ...baseInput, labels: { tier: 'tier-1' } });
    await makeAction().handler(ctx);

    const namespace = k8s.get('v1', 'Namespace', 'orders-service')!;
    expect(namespace.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'paved-road',
      'paved-road.io/owner': 'fulfilment-team',
      tier: 'tier-1',
    });
    expect(
      namespace.metadata.labels['paved-road.io/ephemeral'],
    ).toBeUndefined();
    expect(quota()!.spec.hard).toMatchObject({
      'requests.cpu': '2',
      'limits.memory': '8Gi',
      pods: '20',
    });
    // The typed client renames LimitRangeItem.default; it must still arrive.
    expect(
      k8s.get('v1', 'LimitRange', 'paved-road-limits', 'orders-service')!.spec
        .limits[0],
    ).toMatchObject({
      type: 'Container',
      default: { cpu: '500m', memory: '512Mi' },
      defaultRequest: { cpu: '100m', memory: '128Mi' },
    });
    const deny = k8s.get(
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'default-deny-all',
      'orders-service',
    )!;
    expect(deny.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    const dns = k8s.get(
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'allow-dns',
      'orders-service',
    )!;
    expect(dns.spec.egress[0].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    const binding = k8s.get(
      'rbac.authorization.k8s.io/v1',
      'RoleBinding',
      'fulfilment-team-edit',
      'orders-service',
    )!;
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'edit',
    });
    expect(binding.subjects).toEqual([
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: 'acme:fulfilment-team',
      },
    ]);
    // Every write is a server-side apply with our field manager.
    expect(
      new Set(
        k8s
          .writes()
          .map(
            r =>
              `${r.method} ${r.query.get('fieldManager')} ${r.query.get(
                'force',
              )}`,
          ),
      ),
    ).toEqual(new Set(['PATCH paved-road-scaffolder false']));
    expect(outputs(ctx)).toMatchObject({
      cluster: 'dev',
      namespace: 'orders-service',
      state: 'created',
    });
    expect(outputs(ctx).objects).toHaveLength(7);
    expect(outputs(ctx).objects.every((o: any) => o.state === 'created')).toBe(
      true,
    );
  });

  it('reports unchanged and writes nothing when everything already matches', async () => {
    await makeAction().handler(context(baseInput));
    const writesBefore = k8s.writes().length;

    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    expect(k8s.writes()).toHaveLength(writesBefore);
    expect(outputs(ctx).state).toBe('unchanged');
    expect(new Set(outputs(ctx).objects.map((o: any) => o.state))).toEqual(
      new Set(['unchanged']),
    );
  });

  it('updates only what differs when the size changes', async () => {
    await makeAction().handler(context(baseInput));

    const ctx = context({ ...baseInput, size: 'large' });
    await makeAction().handler(ctx);

    expect(quota()!.spec.hard.pods).toBe('200');
    const states = Object.fromEntries(
      outputs(ctx).objects.map((o: any) => [o.name, o.state]),
    );
    expect(states).toEqual({
      'orders-service': 'unchanged',
      'paved-road-quota': 'updated',
      'paved-road-limits': 'updated',
      'default-deny-all': 'unchanged',
      'allow-same-namespace': 'unchanged',
      'allow-dns': 'unchanged',
      'fulfilment-team-edit': 'unchanged',
    });
  });

  it('refuses fields someone else changed, naming them, unless overwrite', async () => {
    await makeAction().handler(context(baseInput));
    // An operator raised the pod quota by hand with kubectl.
    k8s.seed(
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'paved-road-quota', namespace: 'orders-service' },
        spec: { hard: { pods: '40' } },
      },
      'kubectl-edit',
    );

    await expect(makeAction().handler(context(baseInput))).rejects.toThrow(
      /Kubernetes "dev" answered 409 Conflict to apply ResourceQuota orders-service\/paved-road-quota: Apply failed with 1 conflict: conflict with "kubectl-edit": \.spec\.hard\.pods\. .*overwrite: true/,
    );
    expect(quota()!.spec.hard.pods).toBe('40');

    await makeAction().handler(context({ ...baseInput, overwrite: true }));
    expect(quota()!.spec.hard.pods).toBe('20');
  });

  it('will not take over a namespace it did not create, or another team’s', async () => {
    k8s.seed({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'orders-service' },
    });
    await expect(makeAction().handler(context(baseInput))).rejects.toThrow(
      'Namespace "orders-service" already exists on Kubernetes cluster "dev" and was not created by Paved Road',
    );
    expect(k8s.mutations()).toHaveLength(0);

    k8s.seed(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'payments',
          labels: {
            'app.kubernetes.io/managed-by': 'paved-road',
            'paved-road.io/owner': 'payments-team',
          },
        },
      },
      'paved-road-scaffolder',
    );
    await expect(
      makeAction().handler(context({ ...baseInput, namespace: 'payments' })),
    ).rejects.toThrow('belongs to team "payments-team", not "fulfilment-team"');
    expect(k8s.mutations()).toHaveLength(0);
  });

  it('will not adopt a namespace carrying Paved Road labels someone else set, whoever asks', async () => {
    // kubectl-created, with our labels copied: the values match, the field
    // manager does not.
    k8s.seed({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'orders-service',
        labels: {
          'app.kubernetes.io/managed-by': 'paved-road',
          'paved-road.io/owner': 'fulfilment-team',
        },
      },
    });
    await expect(
      makeAction(k8s.token, allowEveryone).handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'Namespace "orders-service" already exists on Kubernetes cluster "dev" and was not created by Paved Road. Pick another name, or set overwrite: true to adopt it.',
    });
    expect(k8s.mutations()).toHaveLength(0);
  });

  it('asks whether the initiator may adopt before any call when overwrite is set', async () => {
    k8s.seed({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'orders-service' },
    });
    // A member of the owner team, not of the platform team.
    const teamMember = memberOf('fulfilment-team');
    const requestsBefore = k8s.requests.length;
    await expect(
      makeAction(k8s.token, teamMember).handler(
        context({ ...baseInput, overwrite: true }),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'may not set overwrite: true on namespace "orders-service": taking over a namespace or fields someone else manages is for the platform-team only',
      ),
    });
    expect(k8s.requests).toHaveLength(requestsBefore);

    // The platform team adopts it; from then on it is ours.
    await makeAction(k8s.token, allowEveryone).handler(
      context({ ...baseInput, overwrite: true }),
    );
    const owners = k8s
      .get('v1', 'Namespace', 'orders-service')!
      .metadata.managedFields.filter(
        (e: any) =>
          e.fieldsV1['f:metadata']?.['f:labels']?.['f:paved-road.io/owner'],
      )
      .map((e: any) => e.manager);
    expect(owners).toEqual(['paved-road-scaffolder']);
    const rerun = context(baseInput);
    await makeAction(k8s.token, teamMember).handler(rerun);
    expect(outputs(rerun).state).toBe('unchanged');
  });

  it('refuses a namespace that is being deleted, writing nothing', async () => {
    await makeAction().handler(context(baseInput));
    // A finalizer holds it Terminating after someone deleted it.
    k8s.seed(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'orders-service',
          finalizers: ['example.com/backup'],
        },
      },
      'backup-operator',
      'Update',
    );
    k8s.delete('v1', 'Namespace', 'orders-service');
    const writesBefore = k8s.mutations().length;

    await expect(
      makeAction().handler(context({ ...baseInput, overwrite: true })),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /^Namespace "orders-service" on Kubernetes cluster "dev" is being deleted \(since .+\)\. Wait until it is gone, or pick another name\.$/,
      ),
    });
    expect(k8s.mutations()).toHaveLength(writesBefore);
  });

  it('sets a TTL that stays fixed across retries of the task', async () => {
    const store = checkpointStore();
    const input = { ...baseInput, namespace: 'orders-pr-42', ttl: '72h' };
    const ctx = context(input, { checkpoint: store.checkpoint });
    await makeAction().handler(ctx);

    const namespace = k8s.get('v1', 'Namespace', 'orders-pr-42')!;
    expect(namespace.metadata.annotations['paved-road.io/expires-at']).toBe(
      '2026-11-28T12:00:00.000Z',
    );
    expect(namespace.metadata.labels['paved-road.io/ephemeral']).toBe('true');
    expect(outputs(ctx).expiresAt).toBe('2026-11-28T12:00:00.000Z');

    // A retry of the same task, later: the expiry is replayed, not moved.
    const later = createNamespaceProvisionAction({
      access: allowEveryone,
      config: new ConfigReader({
        pavedRoad: {
          kubernetes: {
            clusters: [
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
      now: () => new Date(NOW.getTime() + 3_600_000),
    });
    const retry = context(input, { checkpoint: store.checkpoint });
    await later.handler(retry);
    expect(outputs(retry)).toMatchObject({
      state: 'unchanged',
      expiresAt: '2026-11-28T12:00:00.000Z',
    });
  });

  it('makes a preview permanent when run again without a TTL, so the sweep keeps it', async () => {
    const input = { ...baseInput, namespace: 'orders-pr-42' };
    await makeAction().handler(context({ ...input, ttl: '24h' }));

    const ctx = context(input);
    await makeAction().handler(ctx);

    expect(outputs(ctx).state).toBe('updated');
    const { labels, annotations } = k8s.get(
      'v1',
      'Namespace',
      'orders-pr-42',
    )!.metadata;
    expect(labels['paved-road.io/ephemeral']).toBeUndefined();
    expect(annotations?.['paved-road.io/expires-at']).toBeUndefined();
    expect(labels['paved-road.io/owner']).toBe('fulfilment-team');

    // And a third run converges.
    const again = context(input);
    await makeAction().handler(again);
    expect(outputs(again).state).toBe('unchanged');
  });

  it('plans with server-side dry runs and mutates nothing', async () => {
    const ctx = context({ ...baseInput, ttl: '7d' }, { isDryRun: true });
    await makeAction().handler(ctx);

    expect(k8s.mutations()).toHaveLength(0);
    expect(k8s.objects.size).toBe(0);
    // The namespace itself was validated by the API server.
    expect(k8s.writes().map(r => [r.path, r.query.get('dryRun')])).toEqual([
      ['/api/v1/namespaces/orders-service', 'All'],
    ]);
    expect(outputs(ctx)).toMatchObject({
      state: 'created',
      expiresAt: '2026-12-02T12:00:00.000Z',
    });

    // With the namespace in place, every changed object is dry-run applied.
    await makeAction().handler(context(baseInput));
    const before = k8s.mutations().length;
    const resize = context(
      { ...baseInput, size: 'medium' },
      { isDryRun: true },
    );
    await makeAction().handler(resize);
    expect(k8s.mutations()).toHaveLength(before);
    expect(quota()!.spec.hard.pods).toBe('20');
    expect(
      k8s
        .writes()
        .filter(r => r.query.get('dryRun') === 'All')
        .map(r => r.path),
    ).toContain(
      '/api/v1/namespaces/orders-service/resourcequotas/paved-road-quota',
    );
  });

  it('converges when re-run after the API server failed halfway', async () => {
    const store = checkpointStore();
    k8s.failNext(
      4,
      500,
      kubernetesStatus(500, 'InternalError', 'etcdserver: request timed out')
        .body,
      r =>
        r.method === 'PATCH' &&
        r.path.endsWith('/limitranges/paved-road-limits'),
    );
    const action = makeAction();
    await expect(
      action.handler(context(baseInput, { checkpoint: store.checkpoint })),
    ).rejects.toThrow(
      /Kubernetes "dev" answered 500 Internal Server Error to apply LimitRange orders-service\/paved-road-limits: etcdserver: request timed out.* Written by this step before the failure: Namespace "orders-service" \(created\), ResourceQuota "paved-road-quota" \(created\)\./,
    );
    expect(quota()).toBeDefined();

    const ctx = context(baseInput, { checkpoint: store.checkpoint });
    await action.handler(ctx);

    const states = Object.fromEntries(
      outputs(ctx).objects.map((o: any) => [o.name, o.state]),
    );
    expect(states).toMatchObject({
      'orders-service': 'unchanged',
      'paved-road-quota': 'unchanged',
      'paved-road-limits': 'created',
      'fulfilment-team-edit': 'created',
    });
  });

  it('replays completed steps from their checkpoints', async () => {
    const store = checkpointStore();
    await makeAction().handler(
      context(baseInput, { checkpoint: store.checkpoint }),
    );
    // Someone deletes the namespace; a retry of the same task trusts its
    // checkpoints and does not apply again (checkpoints only help within one
    // task; a new task would recreate it).
    await k8s.close();
    k8s = await new KubernetesDouble().start();
    const action = makeAction();

    await action.handler(context(baseInput, { checkpoint: store.checkpoint }));

    expect(store.replayed).toContain(
      'kubernetes.namespace.v1:dev/orders-service/orders-service',
    );
    expect(k8s.mutations()).toHaveLength(0);
  });

  it('retries 5xx and 429 answers', async () => {
    k8s.failNext(
      1,
      503,
      kubernetesStatus(
        503,
        'ServiceUnavailable',
        'the server is currently unable to handle the request',
      ).body,
    );
    k8s.failNext(
      1,
      429,
      kubernetesStatus(429, 'TooManyRequests', 'slow down').body,
      undefined,
    );

    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    expect(outputs(ctx).state).toBe('created');
  });

  it('tells a permission problem from a missing object and from a network failure', async () => {
    k8s.forbidden = true;
    await expect(
      makeAction().handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'Kubernetes "dev" answered 403 Forbidden to get Namespace orders-service: namespaces/orders-service is forbidden: User "system:serviceaccount:backstage:paved-road" cannot get resource',
      ),
    });
    k8s.forbidden = false;

    await expect(
      makeAction('wrong-token').handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('401 Unauthorized'),
    });

    // The namespace disappears between the read and the write.
    k8s.failNext(
      1,
      404,
      kubernetesStatus(404, 'NotFound', 'namespaces "orders-service" not found')
        .body,
      r => r.method === 'PATCH' && r.path.includes('/resourcequotas/'),
    );
    await expect(
      makeAction().handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(
        '404 Not Found to apply ResourceQuota orders-service/paved-road-quota: namespaces "orders-service" not found',
      ),
    });

    await expect(
      makeAction().handler(context({ ...baseInput, cluster: 'edge' })),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /Could not reach Kubernetes "edge" at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/,
      ),
    });
  });

  it('reports an object the API server finds invalid with its causes', async () => {
    const message =
      'Invalid value: "2": must be greater than or equal to memory request';
    k8s.failNext(
      1,
      422,
      kubernetesStatus(
        422,
        'Invalid',
        `LimitRange "paved-road-limits" is invalid: spec.limits[0].max[memory]: ${message}`,
        {
          name: 'paved-road-limits',
          kind: 'LimitRange',
          causes: [
            {
              reason: 'FieldValueInvalid',
              message,
              field: 'spec.limits[0].max[memory]',
            },
          ],
        },
      ).body,
      r => r.method === 'PATCH' && r.path.endsWith('/paved-road-limits'),
    );
    await expect(
      makeAction().handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        '422 Unprocessable Entity to apply LimitRange orders-service/paved-road-limits: LimitRange "paved-road-limits" is invalid: spec.limits[0].max[memory]',
      ),
    });
  });

  it('never puts the service account token in logs, outputs or errors', async () => {
    const ctx = context(baseInput);
    const logged = captureLogs(ctx);
    await makeAction().handler(ctx);
    k8s.forbidden = true;
    const error = await makeAction()
      .handler(context({ ...baseInput, namespace: 'other' }))
      .catch(e => e);

    expect(visibleText(ctx, logged, error)).not.toContain(k8s.token);
  });

  it('documents itself with examples its own schema accepts', () => {
    const action = makeAction();
    for (const example of examples) {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe(action.id);
      expect(validate(step.input, action.schema!.input as any).errors).toEqual(
        [],
      );
    }
  });

  it('documents itself with examples that pass its input checks and a dry run', async () => {
    await expectExamplesWork({
      examples,
      fields: inputFields,
      // The examples name the clusters "prod" and "dev": both the double here.
      action: createNamespaceProvisionAction({
        access: allowEveryone,
        config: new ConfigReader({
          pavedRoad: {
            kubernetes: {
              clusters: ['prod', 'dev'].map(name => ({
                name,
                url: k8s.url,
                serviceAccountToken: k8s.token,
                skipTLSVerify: true,
              })),
            },
          },
        }),
        retryPolicy: fastRetries,
        now: () => NOW,
      }),
      values: {
        'parameters.service': 'orders-service',
        'parameters.pullRequest': '42',
        'parameters.owner | parseEntityRef | pick("name")': 'fulfilment-team',
      },
      dryRun: true,
    });
  });

  describe('refuses bad input before calling the cluster', () => {
    it.each([
      [
        { namespace: 'Orders_Service' },
        'namespace: namespace must be 1-63 lowercase letters',
      ],
      [{ namespace: 'a'.repeat(64) }, 'namespace: namespace must be 1-63'],
      [{ namespace: 'ns\nkind: Secret' }, 'namespace: namespace must be 1-63'],
      [{ namespace: 'kube-system' }, 'namespace "kube-system" is reserved'],
      [{ namespace: 'default' }, 'namespace "default" is reserved'],
      [{ namespace: 'argocd' }, 'namespace "argocd" is reserved'],
      [{ namespace: 'cert-manager' }, 'namespace "cert-manager" is reserved'],
      [{ namespace: 'vault' }, 'namespace "vault" is reserved'],
      [
        { namespace: 'billing-legacy' },
        'matches "billing-*" in pavedRoad.reservedNamespaces',
      ],
      [{ owner: 'Team A' }, 'owner: owner must be 1-63'],
      [
        { ownerGroup: 'team"; kind: x' },
        'ownerGroup: ownerGroup must be a group name',
      ],
      [{ ttl: '3 days' }, 'ttl: ttl must be a number of hours or days'],
      [{ ttl: '91d' }, 'ttl: ttl must be at most 90 days'],
      [
        { labels: { team: 'a b' } },
        'Invalid Kubernetes labels: value "a b" of "team"',
      ],
      [
        { labels: { 'paved-road.io/owner': 'someone-else' } },
        'labels "paved-road.io/owner" use a prefix reserved',
      ],
      [
        { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
        'labels "pod-security.kubernetes.io/enforce" use a prefix reserved',
      ],
      [
        { labels: { 'app.kubernetes.io/managed-by': 'someone-else' } },
        'labels "app.kubernetes.io/managed-by" use a prefix reserved',
      ],
      [
        { cluster: 'prod' },
        'Unknown Kubernetes cluster "prod". Configured: "dev", "edge"',
      ],
    ])('%j', async (override, message) => {
      await expectRefusedBeforeAnyCall(
        makeAction(),
        { ...baseInput, ...override },
        message,
        k8s,
      );
    });
  });

  it('refuses a user outside the owner team before any call, saying who may run it', async () => {
    await expectRefusedBeforeAnyCall(
      makeAction(k8s.token, denyEveryone),
      { ...baseInput },
      'may not provision namespace "orders-service" for team "fulfilment-team"',
      k8s,
      'NotAllowedError',
    );
  });
});
