import { ConfigReader } from '@backstage/config';
import { ArgoCdDouble } from '@internal/platform-api-doubles';
import { checkpointStore } from '../../__testUtils__/checkpoints';
import {
  actionContext as context,
  captureLogs,
  expectRefusedBeforeAnyCall,
  fastRetries,
  outputsOf as outputs,
  visibleText,
} from '../../__testUtils__/actionContext';
import { allowEveryone, denyEveryone } from '../../__testUtils__/access';
import { closedPortUrl } from '@internal/platform-api-doubles';
import { createArgoCdRegisterAction } from './register';
import { RESOURCES_FINALIZER } from './application';

describe('argocd:application:register', () => {
  let argocd: ArgoCdDouble;
  let unreachable: string;

  beforeAll(async () => {
    unreachable = await closedPortUrl();
  });
  beforeEach(async () => {
    argocd = await new ArgoCdDouble().start();
  });
  afterEach(() => argocd.close());

  function makeAction(
    token = argocd.token,
    url = argocd.url,
    access = allowEveryone,
  ) {
    return createArgoCdRegisterAction({
      access,
      config: new ConfigReader({
        pavedRoad: {
          argocd: {
            instances: [
              // Pasted with the API suffix and a trailing slash on purpose.
              {
                name: 'prod',
                url: `${url}/api/v1/`,
                token,
                uiUrl: 'https://argocd.acme.example',
              },
              { name: 'staging', url: unreachable, token: 'x' },
            ],
          },
        },
      }),
      retryPolicy: fastRetries,
    });
  }

  const baseInput = {
    instance: 'prod',
    name: 'orders-service',
    repoUrl: 'https://github.com/acme-freight/orders-service.git',
    path: 'k8s',
    targetRevision: 'main',
    destinationServer: 'https://kubernetes.default.svc',
    destinationNamespace: 'orders-service',
    owner: 'fulfilment-team',
  };

  it('creates the application with sync policy, finalizer and owner label', async () => {
    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    const app = argocd.applications.get('argocd/orders-service')!;
    expect(app.metadata.finalizers).toEqual([RESOURCES_FINALIZER]);
    expect(app.metadata.labels).toMatchObject({
      'paved-road.io/owner': 'fulfilment-team',
      'app.kubernetes.io/managed-by': 'paved-road',
    });
    expect(app.spec).toEqual({
      project: 'default',
      source: {
        repoURL: 'https://github.com/acme-freight/orders-service.git',
        path: 'k8s',
        targetRevision: 'main',
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'orders-service',
      },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
        retry: {
          limit: 5,
          backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
        },
      },
    });
    // The lookup names the project, so a missing app reads 404, not 403.
    expect(argocd.requests[1]).toMatchObject({
      method: 'GET',
      path: '/api/v1/applications/orders-service',
    });
    expect(argocd.requests[1].query.get('project')).toBe('default');
    expect(argocd.writes().map(r => r.query.get('validate'))).toEqual(['true']);
    expect(outputs(ctx)).toEqual({
      appName: 'orders-service',
      project: 'default',
      url: 'https://argocd.acme.example/applications/orders-service',
      state: 'created',
      projectState: 'unchanged',
    });
  });

  it('reports unchanged and writes nothing when the application already matches', async () => {
    await makeAction().handler(context(baseInput));
    const writesBefore = argocd.writes().length;

    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    expect(argocd.writes()).toHaveLength(writesBefore);
    expect(outputs(ctx).state).toBe('unchanged');
  });

  it('refuses a different existing application without upsert, naming the difference', async () => {
    await makeAction().handler(context(baseInput));

    await expect(
      makeAction().handler(
        context({ ...baseInput, targetRevision: 'release-1' }),
      ),
    ).rejects.toThrow(
      /already exists on ArgoCD "prod" with a different spec\.source\.targetRevision.*upsert: true/,
    );
    expect(
      argocd.applications.get('argocd/orders-service')!.spec.source
        .targetRevision,
    ).toBe('main');
  });

  it('updates a different existing application with upsert, keeping foreign labels', async () => {
    await makeAction().handler(context(baseInput));
    argocd.applications.get('argocd/orders-service')!.metadata.labels.team =
      'kept';

    const ctx = context({
      ...baseInput,
      targetRevision: 'release-1',
      upsert: true,
    });
    await makeAction().handler(ctx);

    const app = argocd.applications.get('argocd/orders-service')!;
    expect(app.spec.source.targetRevision).toBe('release-1');
    expect(app.metadata.labels.team).toBe('kept');
    expect(outputs(ctx).state).toBe('updated');
  });

  it('registers apps in any namespace with a namespaced lookup and UI link', async () => {
    const ctx = context({ ...baseInput, appNamespace: 'team-fulfilment' });
    await makeAction().handler(ctx);

    expect(argocd.applications.has('team-fulfilment/orders-service')).toBe(
      true,
    );
    expect(argocd.requests[1].query.get('appNamespace')).toBe(
      'team-fulfilment',
    );
    expect(outputs(ctx).url).toBe(
      'https://argocd.acme.example/applications/team-fulfilment/orders-service',
    );
  });

  it('refuses a missing project unless createProject, then creates one scoped to the app', async () => {
    await expect(
      makeAction().handler(context({ ...baseInput, project: 'fulfilment' })),
    ).rejects.toThrow('Project "fulfilment" does not exist on ArgoCD "prod"');
    expect(argocd.writes()).toHaveLength(0);

    const ctx = context({
      ...baseInput,
      project: 'fulfilment',
      createProject: true,
    });
    await makeAction().handler(ctx);

    expect(argocd.projects.get('fulfilment')!.spec).toEqual({
      description: 'Applications of fulfilment-team',
      sourceRepos: ['https://github.com/acme-freight/orders-service.git'],
      destinations: [
        {
          server: 'https://kubernetes.default.svc',
          namespace: 'orders-service',
        },
      ],
    });
    expect(outputs(ctx)).toMatchObject({
      projectState: 'created',
      state: 'created',
      project: 'fulfilment',
    });
  });

  it('reports exactly what an existing project lacks', async () => {
    argocd.projects.set('payments', {
      metadata: { name: 'payments' },
      spec: {
        sourceRepos: ['https://github.com/acme-freight/payments-*'],
        destinations: [
          { server: 'https://kubernetes.default.svc', namespace: 'payments-*' },
        ],
      },
    });

    await expect(
      makeAction().handler(context({ ...baseInput, project: 'payments' })),
    ).rejects.toThrow(
      'Project "payments" on ArgoCD "prod" does not permit this application: source repository https://github.com/acme-freight/orders-service.git is not in its sourceRepos (https://github.com/acme-freight/payments-*); destination https://kubernetes.default.svc/orders-service is not in its destinations (https://kubernetes.default.svc/payments-*)',
    );
    expect(argocd.writes()).toHaveLength(0);
  });

  it('plans without writing in a dry run', async () => {
    const ctx = context(
      { ...baseInput, project: 'fulfilment', createProject: true },
      { isDryRun: true },
    );
    await makeAction().handler(ctx);

    expect(argocd.writes()).toHaveLength(0);
    expect(argocd.applications.size).toBe(0);
    expect(outputs(ctx)).toMatchObject({
      state: 'created',
      projectState: 'created',
    });
  });

  it('converges when re-run after ArgoCD failed halfway', async () => {
    const store = checkpointStore();
    const input = { ...baseInput, project: 'fulfilment', createProject: true };
    // The project is created, then the application create keeps failing
    // past the retries.
    argocd.failNext(
      4,
      503,
      {
        error: 'upstream connect error',
        code: 14,
        message: 'upstream connect error',
      },
      r => r.method === 'POST' && r.path === '/api/v1/applications',
    );
    const action = makeAction();
    await expect(
      action.handler(context(input, { checkpoint: store.checkpoint })),
    ).rejects.toThrow(
      /ArgoCD "prod" answered 503 Service Unavailable to POST \/api\/v1\/applications: upstream connect error/,
    );
    expect(argocd.projects.has('fulfilment')).toBe(true);
    expect(argocd.applications.size).toBe(0);

    const ctx = context(input, { checkpoint: store.checkpoint });
    await action.handler(ctx);

    expect(argocd.applications.has('argocd/orders-service')).toBe(true);
    // The re-run sees the project it created and does not create it again.
    expect(
      argocd.writes().filter(r => r.path === '/api/v1/projects'),
    ).toHaveLength(1);
    expect(outputs(ctx)).toMatchObject({
      state: 'created',
      projectState: 'unchanged',
    });
  });

  it('replays a completed step from its checkpoint instead of repeating it', async () => {
    const store = checkpointStore({
      'argocd.app.v1:prod//orders-service': null,
    });

    await makeAction().handler(
      context(baseInput, { checkpoint: store.checkpoint }),
    );

    expect(store.replayed).toEqual(['argocd.app.v1:prod//orders-service']);
    expect(argocd.writes()).toHaveLength(0);
  });

  it('retries 5xx and 429 answers with back-off', async () => {
    argocd.failNext(1, 503, {
      error: 'unavailable',
      code: 14,
      message: 'unavailable',
    });
    argocd.failNext(1, 429, { message: 'slow down' });

    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    expect(outputs(ctx).state).toBe('created');
  });

  it('tells a permission problem from a missing object and from a network failure', async () => {
    argocd.forbidden = true;
    await expect(
      makeAction().handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'ArgoCD "prod" answered 403 Forbidden to GET /api/v1/projects/default: permission denied. The token configured for ArgoCD "prod" is valid but lacks permission',
      ),
    });

    argocd.forbidden = false;
    await expect(
      makeAction('wrong-token').handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        '401 Unauthorized to GET /api/v1/projects/default: invalid session',
      ),
    });

    await expect(
      makeAction().handler(context({ ...baseInput, project: 'nope' })),
    ).rejects.toMatchObject({ name: 'NotFoundError' });

    await expect(
      makeAction().handler(context({ ...baseInput, instance: 'staging' })),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /Could not reach ArgoCD "staging" at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/projects\/default: ECONNREFUSED/,
      ),
    });
  });

  it('never puts the token in logs, outputs or errors', async () => {
    const ctx = context(baseInput);
    const logged = captureLogs(ctx);
    await makeAction().handler(ctx);
    argocd.forbidden = true;
    const error = await makeAction()
      .handler(context(baseInput))
      .catch(e => e);

    expect(visibleText(ctx, logged, error)).not.toContain(argocd.token);
  });

  describe('refuses bad input before calling ArgoCD', () => {
    it.each([
      [{ name: 'Orders_Service' }, 'name: name must be 1-63 lowercase letters'],
      [{ name: 'a'.repeat(64) }, 'name: name must be 1-63'],
      [{ path: '../../etc' }, 'path: path must be relative'],
      [
        { targetRevision: 'main;rm -rf' },
        'targetRevision: targetRevision must be a branch',
      ],
      [
        { repoUrl: 'file:///etc/passwd' },
        'repoUrl: repoUrl must be an http(s):// URL',
      ],
      [
        { destinationNamespace: 'ns\nkind: Secret' },
        'destinationNamespace: destinationNamespace must be 1-63',
      ],
      [
        { destinationNamespace: 'kube-system' },
        'destinationNamespace "kube-system" is reserved',
      ],
      [
        { destinationNamespace: 'argocd' },
        'destinationNamespace "argocd" is reserved',
      ],
      [{ appNamespace: 'vault' }, 'appNamespace "vault" is reserved'],
      [
        { labels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        'labels "kubernetes.io/metadata.name" use a prefix reserved',
      ],
      [{ destinationName: 'in-cluster' }, 'exactly one of destinationServer'],
      [
        { labels: { team: 'a b' } },
        'Invalid Kubernetes labels: value "a b" of "team"',
      ],
      [
        { instance: 'dev' },
        'Unknown ArgoCD instance "dev". Configured: "prod", "staging"',
      ],
    ])('%j', async (override, message) => {
      await expectRefusedBeforeAnyCall(
        makeAction(),
        { ...baseInput, ...override },
        message,
        argocd,
      );
    });
  });

  it('refuses a user outside the owner team before any call, saying who may run it', async () => {
    await expectRefusedBeforeAnyCall(
      makeAction(argocd.token, argocd.url, denyEveryone),
      { ...baseInput },
      'may not register ArgoCD application',
      argocd,
      'NotAllowedError',
    );
  });
});
