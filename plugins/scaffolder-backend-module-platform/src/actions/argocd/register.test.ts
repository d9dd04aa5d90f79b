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
import {
  allowEveryone,
  denyEveryone,
  memberOf,
} from '../../__testUtils__/access';
import { closedPortUrl } from '@internal/platform-api-doubles';
import { expectExamplesWork } from '../../__testUtils__/examples';
import { createArgoCdRegisterAction, inputFields } from './register';
import { examples } from './register.examples';
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
            sourceRepos: [
              'https://github.com/acme-freight/*',
              'git@github.com:acme-freight/*',
            ],
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

  /** The application lookup the action sent. */
  const appLookup = () =>
    argocd.requests.find(
      r =>
        r.method === 'GET' && r.path === '/api/v1/applications/orders-service',
    )!;

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
      project: 'fulfilment-team',
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
    expect(appLookup().query.get('project')).toBe('fulfilment-team');
    expect(
      argocd
        .writes()
        .filter(r => r.path === '/api/v1/applications')
        .map(r => r.query.get('validate')),
    ).toEqual(['true']);
    expect(outputs(ctx)).toEqual({
      appName: 'orders-service',
      project: 'fulfilment-team',
      url: 'https://argocd.acme.example/applications/orders-service',
      state: 'created',
      projectState: 'created',
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
    expect(appLookup().query.get('appNamespace')).toBe('team-fulfilment');
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
      /ArgoCD "prod" answered 503 Service Unavailable to POST \/api\/v1\/applications: upstream connect error.* Written by this step before the failure: project "fulfilment" \(created\)\./,
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
      'argocd.project.v1:prod/fulfilment-team/orders-service': null,
      'argocd.app.v1:prod//orders-service': null,
    });

    await makeAction().handler(
      context(baseInput, { checkpoint: store.checkpoint }),
    );

    expect(store.replayed).toEqual([
      'argocd.project.v1:prod/fulfilment-team/orders-service',
      'argocd.app.v1:prod//orders-service',
    ]);
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
        'ArgoCD "prod" answered 403 Forbidden to GET /api/v1/projects/fulfilment-team: permission denied. The token configured for ArgoCD "prod" is valid but lacks permission',
      ),
    });

    argocd.forbidden = false;
    await expect(
      makeAction('wrong-token').handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        '401 Unauthorized to GET /api/v1/projects/fulfilment-team: invalid session',
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
        /Could not reach ArgoCD "staging" at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/projects\/fulfilment-team: ECONNREFUSED/,
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

  it('documents itself with examples that pass its input checks and a dry run', async () => {
    // The first example deploys through an existing project "fulfilment".
    argocd.projects.set('fulfilment', {
      metadata: { name: 'fulfilment' },
      spec: {
        sourceRepos: ['https://github.com/acme-freight/*'],
        destinations: [{ server: '*', namespace: '*' }],
      },
    });
    await expectExamplesWork({
      examples,
      fields: inputFields,
      // The examples name the instances "prod" and "staging": both the double
      // here; the last example uses "default", which staging allows.
      action: createArgoCdRegisterAction({
        access: allowEveryone,
        config: new ConfigReader({
          pavedRoad: {
            argocd: {
              sourceRepos: ['https://github.com/acme-freight/*'],
              instances: ['prod', 'staging'].map(name => ({
                name,
                url: argocd.url,
                token: argocd.token,
                allowDefaultProject: name === 'staging',
              })),
            },
          },
        }),
        retryPolicy: fastRetries,
      }),
      values: {
        'parameters.name': 'parcel-tracker',
        'steps.publish.output.remoteUrl':
          'https://github.com/acme-freight/parcel-tracker.git',
      },
      dryRun: true,
    });
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
      [
        { repoUrl: 'https://github.com/someone-else/orders-service.git' },
        'repoUrl "https://github.com/someone-else/orders-service.git" is not in an organisation the platform allows (pavedRoad.argocd.sourceRepos: https://github.com/acme-freight/*, git@github.com:acme-freight/*)',
      ],
      [
        { repoUrl: 'https://github.com/acme-freight/../evil/repo.git' },
        'is not in an organisation the platform allows',
      ],
      [
        { repoUrl: 'https://gitlab.example/acme-freight/orders-service.git' },
        'is not in an organisation the platform allows',
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

  describe("the owner team's project", () => {
    const teamProjectSpec = (...namespaces: string[]) => ({
      description: 'Applications of fulfilment-team, managed by Paved Road',
      sourceRepos: [
        'https://github.com/acme-freight/*',
        'git@github.com:acme-freight/*',
      ],
      destinations: namespaces.map(namespace => ({
        server: 'https://kubernetes.default.svc',
        namespace,
      })),
      clusterResourceWhitelist: [],
    });
    const projectWrites = () =>
      argocd.writes().filter(r => r.path.startsWith('/api/v1/projects'));

    it('is created with the allowed organisations, the namespace and no cluster-scoped kinds, then extended and left alone', async () => {
      await makeAction().handler(context(baseInput));
      expect(argocd.projects.get('fulfilment-team')).toMatchObject({
        metadata: {
          labels: {
            'paved-road.io/owner': 'fulfilment-team',
            'app.kubernetes.io/managed-by': 'paved-road',
          },
        },
        spec: teamProjectSpec('orders-service'),
      });

      // The team's next service adds its namespace.
      const next = context({
        ...baseInput,
        name: 'returns-service',
        repoUrl: 'https://github.com/acme-freight/returns-service.git',
        destinationNamespace: 'returns-service',
      });
      await makeAction().handler(next);
      expect(outputs(next).projectState).toBe('updated');
      expect(argocd.projects.get('fulfilment-team')!.spec).toEqual(
        teamProjectSpec('orders-service', 'returns-service'),
      );

      // A re-run writes nothing.
      const writes = argocd.writes().length;
      const again = context(baseInput);
      await makeAction().handler(again);
      expect(argocd.writes()).toHaveLength(writes);
      expect(outputs(again)).toMatchObject({
        state: 'unchanged',
        projectState: 'unchanged',
      });
      expect(projectWrites().map(r => r.method)).toEqual(['POST', 'PUT']);
    });

    it("refuses another team's namespace, and writes nothing", async () => {
      await makeAction().handler(context(baseInput));
      const writes = argocd.writes().length;

      await expect(
        makeAction().handler(
          context({
            ...baseInput,
            name: 'sneaky',
            repoUrl: 'https://github.com/acme-freight/payments-service.git',
            owner: 'payments-team',
          }),
        ),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message:
          'Namespace "orders-service" on https://kubernetes.default.svc is already a destination of project "fulfilment-team" on ArgoCD "prod"; a team deploys only into namespaces of its own. Choose a namespace named after your service.',
      });
      expect(argocd.writes()).toHaveLength(writes);
      expect(argocd.projects.has('payments-team')).toBe(false);
    });

    it("refuses a project of the team's name that Paved Road does not keep", async () => {
      argocd.projects.set('fulfilment-team', {
        metadata: { name: 'fulfilment-team', resourceVersion: '1' },
        spec: {
          sourceRepos: ['*'],
          destinations: [{ server: '*', namespace: '*' }],
        },
      });
      await expect(
        makeAction().handler(context(baseInput)),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(
          'Project "fulfilment-team" on ArgoCD "prod" exists but is not the project Paved Road keeps for team "fulfilment-team"',
        ),
      });
      expect(argocd.writes()).toHaveLength(0);
    });

    it('refuses the default project, which permits everything, unless the instance allows it', async () => {
      const input = { ...baseInput, project: 'default' };
      await expect(makeAction().handler(context(input))).rejects.toThrow(
        'Project "default" on ArgoCD "prod" permits every repository, destination and cluster-scoped kind, so Paved Road does not use it.',
      );
      expect(argocd.requests).toHaveLength(0);

      const allowing = createArgoCdRegisterAction({
        access: allowEveryone,
        config: new ConfigReader({
          pavedRoad: {
            argocd: {
              sourceRepos: ['https://github.com/acme-freight/*'],
              instances: [
                {
                  name: 'prod',
                  url: argocd.url,
                  token: argocd.token,
                  allowDefaultProject: true,
                },
              ],
            },
          },
        }),
        retryPolicy: fastRetries,
      });
      const ctx = context(input);
      await allowing.handler(ctx);
      expect(outputs(ctx)).toMatchObject({
        project: 'default',
        state: 'created',
      });
    });

    it("keeps projects other than the team's for the platform team", async () => {
      await expect(
        makeAction(
          argocd.token,
          argocd.url,
          memberOf('fulfilment-team'),
        ).handler(
          context({ ...baseInput, project: 'payments', createProject: true }),
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'may not put ArgoCD application "orders-service" in project "payments" (not the owner team\'s) for team "platform-team"',
        ),
      });
      expect(argocd.requests).toHaveLength(0);

      // A member of the team may use the team's own project.
      const ctx = context(baseInput);
      await makeAction(
        argocd.token,
        argocd.url,
        memberOf('fulfilment-team'),
      ).handler(ctx);
      expect(outputs(ctx).project).toBe('fulfilment-team');
    });

    it('plans the project in a dry run without writing', async () => {
      const ctx = context(baseInput, { isDryRun: true });
      await makeAction().handler(ctx);
      expect(argocd.writes()).toHaveLength(0);
      expect(outputs(ctx)).toMatchObject({
        project: 'fulfilment-team',
        projectState: 'created',
        state: 'created',
      });
    });
  });
});
