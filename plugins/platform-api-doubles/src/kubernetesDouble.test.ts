import { KubernetesDouble } from './kubernetesDouble';

describe('KubernetesDouble', () => {
  let k8s: KubernetesDouble;

  beforeEach(async () => {
    k8s = await new KubernetesDouble().start();
  });
  afterEach(() => k8s.close());

  async function call(method: string, path: string, body?: object, query = '') {
    const response = await fetch(`${k8s.url}${path}${query}`, {
      method,
      headers: {
        authorization: `Bearer ${k8s.token}`,
        'content-type':
          method === 'PATCH'
            ? 'application/apply-patch+yaml'
            : 'application/json',
      },
      body: body && JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  const apply = (manager: string, labels: object, force = false) =>
    call(
      'PATCH',
      '/api/v1/namespaces/orders',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'orders', labels },
      },
      `?fieldManager=${manager}&force=${force}`,
    );

  it('records who set each field in managedFields, as server-side apply does', async () => {
    await apply('scaffolder', { team: 'a', tier: '1', stale: 'x' });
    // Same value: shared. Dropped by its only applier: removed.
    await apply('kubectl', { tier: '1' });
    await apply('scaffolder', { team: 'a', tier: '1' });
    expect((await apply('kubectl', { team: 'b' })).body.message).toBe(
      'Apply failed with 1 conflict: conflict with "scaffolder": .metadata.labels.team',
    );
    // Forced: the field changes hands.
    await apply('argocd', { team: 'b' }, true);
    k8s.seed(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'orders', annotations: { note: 'hi' } },
      },
      'kubectl-annotate',
      'Update',
    );

    const { metadata } = (await call('GET', '/api/v1/namespaces/orders')).body;
    expect(metadata.labels).toEqual({
      team: 'b',
      tier: '1',
      'kubernetes.io/metadata.name': 'orders',
    });
    const entries = Object.fromEntries(
      metadata.managedFields.map((e: any) => [
        e.manager,
        [e.operation, e.fieldsType, e.fieldsV1],
      ]),
    );
    expect(entries).toEqual({
      scaffolder: [
        'Apply',
        'FieldsV1',
        { 'f:metadata': { 'f:labels': { 'f:tier': {} } } },
      ],
      kubectl: [
        'Apply',
        'FieldsV1',
        { 'f:metadata': { 'f:labels': { 'f:tier': {} } } },
      ],
      argocd: [
        'Apply',
        'FieldsV1',
        { 'f:metadata': { 'f:labels': { 'f:team': {} } } },
      ],
      'kubectl-annotate': [
        'Update',
        'FieldsV1',
        { 'f:metadata': { 'f:annotations': { '.': {}, 'f:note': {} } } },
      ],
    });
  });

  it('terminates a namespace on delete and answers later deletes with it, while a finalizer holds it', async () => {
    await apply('scaffolder', { team: 'a' });
    k8s.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'orders' },
      data: { a: '1' },
    });
    k8s.seed(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'orders', finalizers: ['example.com/hold'] },
      },
      'operator',
      'Update',
    );

    const first = await call('DELETE', '/api/v1/namespaces/orders', {});
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'orders', deletionTimestamp: expect.any(String) },
      status: { phase: 'Terminating' },
    });
    const again = await call('DELETE', '/api/v1/namespaces/orders', {});
    expect(again).toEqual(first);
    expect(k8s.get('v1', 'ConfigMap', 'settings', 'orders')).toBeUndefined();
    const create = await call(
      'PATCH',
      '/api/v1/namespaces/orders/configmaps/new',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'new', namespace: 'orders' },
      },
      '?fieldManager=kubectl',
    );
    expect(create.status).toBe(403);
    expect(create.body.message).toBe(
      'configmaps "new" is forbidden: unable to create new content in namespace orders because it is being terminated',
    );

    // The operator lets go: the namespace is gone.
    k8s.seed(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'orders', finalizers: [] },
      },
      'operator',
      'Update',
    );
    expect(k8s.get('v1', 'Namespace', 'orders')).toBeUndefined();
  });
});
