import { ExitCode } from '../exitCodes';
import {
  createEnvironment,
  createService,
  platform,
} from '../__testUtils__/platform';
import {
  PortalDouble,
  closedPortUrl,
  startPortalDouble,
} from '../__testUtils__/portalDouble';

let portal: PortalDouble | undefined;

/** A team and a system of it, in the catalog of the portal double. */
const fulfilment = { owner: 'fulfilment-team', system: 'order-management' };

afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

describe('platform create service', () => {
  it("runs the language's golden path with the user's team and its only system, streams the log and prints the links", async () => {
    portal = await startPortalDouble({
      userGroups: ['group:default/engineering', 'group:default/platform-team'],
    });
    const result = await platform(
      portal.url,
      ...createService({ database: 'PostgreSQL' }),
    );

    expect(result).toMatchObject({ code: ExitCode.Ok, err: '' });
    const [submitted] = portal.calls('POST', '/api/scaffolder/v2/tasks');
    expect(submitted.body).toEqual({
      templateRef: 'template:default/go-service',
      values: {
        name: 'checkout-api',
        description: 'Go service, created with platform create service',
        owner: 'group:default/platform-team',
        system: 'system:default/developer-platform',
        database: 'postgres',
        environment: 'dev',
        size: 'small',
        replicas: 2,
      },
    });
    expect(result.out).toContain(
      [
        '[1/9] Check ArgoCD, Vault and the namespace before writing anything',
        '      paved-road:preflight: checkout-api created',
        '      ✓ done in',
      ].join('\n'),
    );
    expect(result.out).toContain(
      '[4/9] Publish the repository on GitHub – skipped: its if condition was false',
    );
    expect(result.out).toContain('[9/9] Provision the namespace');
    expect(result.out).toContain(
      [
        'Repository: http://127.0.0.1:7014/git/checkout-api',
        `Open in catalog: ${portal.url}/catalog/default/component/checkout-api`,
        'ArgoCD application: https://argocd.example/applications/checkout-api',
      ].join('\n'),
    );
    expect(result.out).toMatch(
      /Owner\s+group:default\/platform-team {2}\(your team\)/,
    );
  });

  it('exits 1 with the failed step and its message when the task fails', async () => {
    portal = await startPortalDouble();
    portal.nextTask = {
      failAt: {
        stepId: 'vault',
        message: 'Vault policy checkout-api exists and differs',
      },
    };
    const result = await platform(
      portal.url,
      ...createService({ language: 'nodejs', ...fulfilment }, { joined: true }),
    );

    expect(result.code).toBe(ExitCode.Failed);
    expect(result.out).toContain(
      [
        '[8/9] Write the Vault policy',
        '      vault:policy:write: checkout-api created',
        '      ✗ Error: Vault policy checkout-api exists and differs',
        '[9/9] Provision the namespace – skipped: a previous step failed',
      ].join('\n'),
    );
    expect(result.out).not.toContain('at handler');
    expect(result.err).toMatch(
      /✗ Task \S+ failed at step "vault" \(Write the Vault policy\): Vault policy checkout-api exists and differs/,
    );
  });

  it("refuses a bad name with the wizard's message and exit 2, before any task starts", async () => {
    portal = await startPortalDouble();
    const result = await platform(
      portal.url,
      ...createService({
        name: 'Checkout_API',
        language: 'nodejs',
        ...fulfilment,
      }),
    );

    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.err).toBe(
      `platform: --name "Checkout_API": 'Name' must match pattern "^[a-z][a-z0-9-]{1,38}[a-z0-9]$": Lowercase letters, digits and "-"; starts with a letter, e.g. orders-service`,
    );
    expect(portal.calls('POST', '/api/scaffolder/v2/tasks')).toEqual([]);
    expect(portal.calls('POST', '/api/scaffolder/v2/dry-run')).toEqual([]);
  });

  it('asks for --owner when the signed-in user is in no team, naming teams to pick from', async () => {
    portal = await startPortalDouble({ userGroups: [] });
    const result = await platform(portal.url, ...createService());

    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.err).toBe(
      'platform: --owner is required: user:development/guest is in no team the wizard offers as owner; pass --owner <team> (e.g. fulfilment-team, platform-team)',
    );
    expect(portal.calls('POST', '/api/scaffolder/v2/tasks')).toEqual([]);
  });

  it('lists every problem at once: an owner that is not a team, a system the owner does not narrow down', async () => {
    portal = await startPortalDouble();
    const result = await platform(
      portal.url,
      ...createService({ owner: 'engineering', replicas: 'many' }),
    );

    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.err.split('\n')).toEqual([
      'platform: 3 problems with the answers for template:default/go-service (nothing was started):',
      '  --system is required: group:default/engineering owns no system; pass --system <system>',
      `  --replicas "many": 'Replicas' must be integer`,
      `  --owner "group:default/engineering": 'Owner' must be kind=Group, spec.type=team (it is Group, spec.type=department)`,
    ]);
  });

  it('refuses an unknown --language with exit 2', async () => {
    portal = await startPortalDouble();
    const result = await platform(
      portal.url,
      ...createService({ language: 'rust' }),
    );
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.err).toMatch(
      /^platform: --language rust: no service template is tagged "rust"; the service templates are go-service/,
    );
  });

  it("--dry-run runs the scaffolder's dry run with the template's files and prints the plan, starting nothing", async () => {
    portal = await startPortalDouble();
    const result = await platform(
      portal.url,
      ...createService({ ...fulfilment, 'dry-run': true }),
    );

    expect(result).toMatchObject({ code: ExitCode.Ok, err: '' });
    expect(portal.calls('POST', '/api/scaffolder/v2/tasks')).toEqual([]);
    const [dryRun] = portal.calls('POST', '/api/scaffolder/v2/dry-run');
    expect(dryRun.body.template.metadata.name).toBe('go-service');
    expect(dryRun.body.values.name).toBe('checkout-api');
    const sent = dryRun.body.directoryContents.map(
      (f: { path: string }) => f.path,
    );
    expect(sent).toEqual(
      expect.arrayContaining([
        'template.yaml',
        'skeleton/main.go',
        'skeleton/k8s/deployment.yaml',
        'skeleton/.github/workflows/ci.yaml',
      ]),
    );
    expect(result.out).toMatch(
      /Dry run of template:default\/go-service from .*templates\/go-service: nothing is written\./,
    );
    expect(result.out).toContain(
      '[3/9] Publish the repository – skipped: git:repository:publish does not support dry-run',
    );
    expect(result.out).toContain(
      '      Dry run: argocd:application:register would go through',
    );
    expect(result.out).toContain(
      [
        '  ├── .github/',
        '  │   └── workflows/',
        '  │       └── ci.yaml',
        '  ├── docs/',
      ].join('\n'),
    );
    expect(result.out).toContain(
      ['  ├── mkdocs.yml', '  └── README.md'].join('\n'),
    );
  });
});

describe('platform create environment', () => {
  it("previews a pull request with the service's owner and repository, --ttl 3d meaning 72h", async () => {
    portal = await startPortalDouble();
    const result = await platform(
      portal.url,
      ...createEnvironment({ ttl: '3d' }),
    );

    expect(result).toMatchObject({ code: ExitCode.Ok, err: '' });
    const [submitted] = portal.calls('POST', '/api/scaffolder/v2/tasks');
    expect(submitted.body).toEqual({
      templateRef: 'template:default/ephemeral-environment',
      values: {
        service: 'component:default/orders-service',
        owner: 'group:default/fulfilment-team',
        repoUrl: 'https://github.com/acme-freight/orders-service.git',
        branch: 'feature/faster-checkout',
        pullRequest: 42,
        ttl: '72h',
        size: 'small',
        environment: 'dev',
      },
    });
    expect(result.out).toContain('[3/3] Deploy the branch with ArgoCD');
  });

  it('refuses a service that is not in the catalog', async () => {
    portal = await startPortalDouble();
    const result = await platform(
      portal.url,
      ...createEnvironment({ service: 'no-such-service', branch: 'main' }),
    );
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.err).toContain(
      `--service "component:default/no-such-service": 'Service': the catalog holds no component:default/no-such-service`,
    );
    expect(portal.calls('POST', '/api/scaffolder/v2/tasks')).toEqual([]);
  });
});

describe('an unreachable portal', () => {
  it('exits 3 and says where it looked', async () => {
    const url = await closedPortUrl();

    const result = await platform(url, ...createService());
    expect(result.code).toBe(ExitCode.Unreachable);
    expect(result.err).toContain(`platform: Cannot reach the portal at ${url}`);
  });
});
