import { ConfigReader } from '@backstage/config';
import { VaultDouble } from '@internal/platform-api-doubles';
import { checkpointStore } from '../../__testUtils__/checkpoints';
import {
  actionContext as context,
  captureLogs,
  expectRefusedBeforeAnyCall,
  fastRetries,
  outputsOf as outputs,
} from '../../__testUtils__/actionContext';
import { allowEveryone, denyEveryone } from '../../__testUtils__/access';
import { closedPortUrl } from '@internal/platform-api-doubles';
import { expectExamplesWork } from '../../__testUtils__/examples';
import { createVaultPolicyAction, inputFields } from './policy';
import { examples } from './policy.examples';

const expectedPolicy = `# Managed by Paved Road: service=orders-service owner=fulfilment-team
path "secret/data/orders-service/*" {
  capabilities = ["read"]
}

path "secret/metadata/orders-service/*" {
  capabilities = ["read", "list"]
}
`;

describe('vault:policy:write', () => {
  let vault: VaultDouble;
  let unreachable: string;

  beforeAll(async () => {
    unreachable = await closedPortUrl();
  });
  beforeEach(async () => {
    vault = await new VaultDouble().start();
  });
  afterEach(() => vault.close());

  function makeAction(token = vault.token, access = allowEveryone) {
    return createVaultPolicyAction({
      access,
      config: new ConfigReader({
        pavedRoad: {
          vault: {
            servers: [
              // Pasted with the API suffix and a trailing slash on purpose.
              { name: 'prod', address: `${vault.url}/v1/`, token },
              {
                name: 'enterprise',
                address: vault.url,
                namespace: 'team-a',
                token,
              },
              // An auth mount the double does not have.
              {
                name: 'eu',
                address: vault.url,
                token,
                kubernetesAuthMount: '/k8s-eu/',
              },
              { name: 'staging', address: unreachable, token: 'x' },
            ],
          },
        },
      }),
      retryPolicy: fastRetries,
    });
  }

  const baseInput = {
    server: 'prod',
    service: 'orders-service',
    owner: 'fulfilment-team',
    audience: 'vault',
    seedSecrets: { 'db-password': 'placeholder-db' },
  };

  const rolePath = '/v1/auth/kubernetes/role/orders-service';
  const secretDataPath = '/v1/secret/data/orders-service/db-password';

  it('creates the read-only policy, the Kubernetes auth role and the seeded secret', async () => {
    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    expect(vault.policies.get('orders-service-read')).toBe(expectedPolicy);
    expect(vault.roles.get('kubernetes/orders-service')).toMatchObject({
      bound_service_account_names: ['orders-service'],
      bound_service_account_namespaces: ['orders-service'],
      token_policies: ['orders-service-read'],
      token_ttl: 3600,
      token_max_ttl: 86400,
      audience: 'vault',
    });
    // Current field names only, never the deprecated policies/ttl.
    const roleWrite = vault.writes().find(r => r.path === rolePath)!;
    expect(roleWrite.method).toBe('POST');
    expect(Object.keys(roleWrite.body as object).sort()).toEqual([
      'audience',
      'bound_service_account_names',
      'bound_service_account_namespaces',
      'token_max_ttl',
      'token_policies',
      'token_ttl',
    ]);
    expect(vault.writes().find(r => r.path === secretDataPath)!.body).toEqual({
      options: { cas: 0 },
      data: { value: 'placeholder-db' },
    });
    expect(vault.secrets.get('secret/orders-service/db-password')).toEqual([
      expect.objectContaining({ data: { value: 'placeholder-db' } }),
    ]);
    // The policy goes first: the role refers to it.
    expect(vault.writes().map(r => `${r.method} ${r.path}`)).toEqual([
      'PUT /v1/sys/policies/acl/orders-service-read',
      `POST ${rolePath}`,
      `POST ${secretDataPath}`,
    ]);
    expect(outputs(ctx)).toEqual({
      policyName: 'orders-service-read',
      roleName: 'orders-service',
      secretPath: 'secret/data/orders-service',
      policyState: 'created',
      roleState: 'created',
      secretStates: { 'db-password': 'created' },
    });
  });

  it('uses the given names, namespace (a preview namespace of the service), ttls and mounts', async () => {
    const ctx = context({
      server: 'prod',
      service: 'payments',
      policyName: 'payments-secrets',
      serviceAccount: 'payments-api',
      namespace: 'payments-pr-42',
      roleName: 'payments_api',
      tokenTtl: '15m',
      tokenMaxTtl: '4h',
    });
    const logged = captureLogs(ctx);
    await makeAction().handler(ctx);

    expect(vault.policies.get('payments-secrets')).toContain(
      'path "secret/data/payments/*"',
    );
    expect(vault.roles.get('kubernetes/payments_api')).toMatchObject({
      bound_service_account_names: ['payments-api'],
      bound_service_account_namespaces: ['payments-pr-42'],
      token_policies: ['payments-secrets'],
      token_ttl: 900,
      token_max_ttl: 14400,
      audience: '',
    });
    // Vault's warning about a role without an audience is passed on.
    expect(logged.join('\n')).toContain('does not have an audience');
    expect(outputs(ctx)).toMatchObject({
      policyName: 'payments-secrets',
      roleName: 'payments_api',
      secretStates: {},
    });
  });

  it('reports unchanged and writes nothing on a re-run', async () => {
    await makeAction().handler(context(baseInput));
    const writesBefore = vault.writes().length;

    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    expect(vault.writes()).toHaveLength(writesBefore);
    expect(outputs(ctx)).toMatchObject({
      policyState: 'unchanged',
      roleState: 'unchanged',
      secretStates: { 'db-password': 'unchanged' },
    });
  });

  it('treats a re-indented copy of the generated policy as unchanged', async () => {
    vault.policies.set(
      'orders-service-read',
      '\n  #Managed by Paved Road:  service=orders-service   owner=fulfilment-team\r\npath "secret/data/orders-service/*" {capabilities=["read"]}\r\n\tpath "secret/metadata/orders-service/*" { capabilities = [ "read","list" ] }',
    );

    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    expect(outputs(ctx).policyState).toBe('unchanged');
    expect(
      vault.writes().filter(r => r.path.startsWith('/v1/sys/')),
    ).toHaveLength(0);
  });

  it('updates a differing policy and role Paved Road wrote for the same service and team, logging what differed', async () => {
    vault.policies.set(
      'orders-service-read',
      '# Managed by Paved Road: service=orders-service owner=fulfilment-team\npath "secret/data/*" { capabilities = ["read", "list"] }',
    );
    vault.roles.set('kubernetes/orders-service', {
      bound_service_account_names: ['orders-service'],
      bound_service_account_namespaces: ['default'],
      token_policies: ['orders-service-read', 'admin'],
      token_ttl: 3600,
      token_max_ttl: 604800,
      audience: 'vault',
      token_bound_cidrs: ['10.0.0.0/8'],
    });

    const ctx = context(baseInput);
    const logged = captureLogs(ctx);
    await makeAction().handler(ctx);

    expect(vault.policies.get('orders-service-read')).toBe(expectedPolicy);
    expect(vault.roles.get('kubernetes/orders-service')).toMatchObject({
      bound_service_account_namespaces: ['orders-service'],
      token_policies: ['orders-service-read'],
      token_max_ttl: 86400,
      // Fields we do not manage are left as they were.
      token_bound_cidrs: ['10.0.0.0/8'],
    });
    expect(outputs(ctx)).toMatchObject({
      policyState: 'updated',
      roleState: 'updated',
    });
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'Policy "orders-service-read" on Vault "prod" differs from the generated one',
        ),
        expect.stringContaining(
          'role "auth/kubernetes/role/orders-service" on Vault "prod" differs in bound_service_account_namespaces[0], token_policies, token_max_ttl',
        ),
      ]),
    );
  });

  describe('never rewrites what Paved Road did not write for the same service and team', () => {
    const otherTeamPolicy = `# Managed by Paved Road: service=orders-service owner=billing-team
path "secret/data/orders-service/*" {
  capabilities = ["read", "list"]
}
`;
    const roleBinding = (policy: string) => () =>
      vault.roles.set('kubernetes/orders-service', {
        bound_service_account_names: ['orders-service'],
        bound_service_account_namespaces: ['orders-service'],
        token_policies: [policy],
      });

    it.each([
      [
        'a policy Paved Road did not create',
        () =>
          vault.policies.set(
            'orders-service-read',
            'path "secret/data/*" { capabilities = ["read"] }',
          ),
        {},
        'ConflictError',
        'Policy "orders-service-read" already exists on Vault "prod" and was not created by Paved Road (its text does not begin with "# Managed by Paved Road: …"), so it is left as it is; nothing was written. Choose another policyName, or ask the platform team to adopt it.',
      ],
      [
        'an unmarked copy of the generated policy',
        () =>
          vault.policies.set(
            'orders-service-read',
            expectedPolicy.split('\n').slice(1).join('\n'),
          ),
        {},
        'ConflictError',
        'Policy "orders-service-read" already exists on Vault "prod" and was not created by Paved Road',
      ],
      [
        'a role Paved Road did not create',
        () => {
          vault.policies.set(
            'ci-deployer',
            'path "*" { capabilities = ["sudo"] }',
          );
          roleBinding('ci-deployer')();
        },
        {},
        'ConflictError',
        'Kubernetes auth role "auth/kubernetes/role/orders-service" already exists on Vault "prod" and was not created by Paved Road (it binds no policy whose text begins with "# Managed by Paved Road: …"), so it is left as it is; nothing was written. Choose another roleName, or ask the platform team to adopt it.',
      ],
      [
        "another team's policy",
        () => vault.policies.set('orders-service-read', otherTeamPolicy),
        {},
        'ConflictError',
        'Policy "orders-service-read" on Vault "prod" was created by Paved Road for service "orders-service" of team "billing-team", not for service "orders-service" of team "fulfilment-team"; it is only ever updated for the same service and team, so nothing was written. Choose another policyName, or ask the platform team to hand it over.',
      ],
      [
        "another team's role",
        () => {
          vault.policies.set('orders-legacy-read', otherTeamPolicy);
          roleBinding('orders-legacy-read')();
        },
        {},
        'ConflictError',
        'Kubernetes auth role "auth/kubernetes/role/orders-service" on Vault "prod" was created by Paved Road for service "orders-service" of team "billing-team", not for service "orders-service" of team "fulfilment-team"',
      ],
      [
        "the team's policy of another service",
        () =>
          vault.policies.set(
            'payments-read',
            '# Managed by Paved Road: service=payments owner=fulfilment-team\n',
          ),
        { policyName: 'payments-read' },
        'ConflictError',
        'Policy "payments-read" on Vault "prod" was created by Paved Road for service "payments" of team "fulfilment-team", not for service "orders-service" of team "fulfilment-team"',
      ],
      [
        'a namespace of another service',
        () => {},
        { namespace: 'payments' },
        'InputError',
        'namespace "payments" is not a namespace of service "orders-service"',
      ],
    ])(
      'refuses %s, in a dry run exactly as in a real run, writing nothing',
      async (_, seed, override, name, message) => {
        seed();
        const refusal = (isDryRun: boolean) =>
          makeAction()
            .handler(context({ ...baseInput, ...override }, { isDryRun }))
            .catch(e => e);

        const dryRun = await refusal(true);
        const realRun = await refusal(false);

        expect(realRun).toMatchObject({
          name,
          message: expect.stringContaining(message),
        });
        expect(dryRun).toMatchObject({
          name: realRun.name,
          message: realRun.message,
        });
        expect(vault.writes()).toEqual([]);
      },
    );

    it('binds a role through a policy of its own team, and a re-run writes nothing', async () => {
      // An older run of the same team bound the role to another policy.
      vault.policies.set(
        'orders-legacy-read',
        otherTeamPolicy.replace('billing-team', 'fulfilment-team'),
      );
      roleBinding('orders-legacy-read')();

      const first = context(baseInput);
      await makeAction().handler(first);
      const writes = vault.writes().length;
      const again = context(baseInput);
      await makeAction().handler(again);

      expect(outputs(first)).toMatchObject({
        policyState: 'created',
        roleState: 'updated',
      });
      expect(vault.roles.get('kubernetes/orders-service')).toMatchObject({
        token_policies: ['orders-service-read'],
      });
      expect(vault.writes()).toHaveLength(writes);
      expect(outputs(again)).toMatchObject({
        policyState: 'unchanged',
        roleState: 'unchanged',
      });
    });
  });

  it('converges when re-run after Vault failed halfway', async () => {
    const store = checkpointStore();
    // The policy is written, then the role write keeps failing past the
    // retries (one attempt and three retries).
    vault.failNext(
      4,
      500,
      { errors: ['internal error'] },
      r => r.method === 'POST' && r.path === rolePath,
    );
    const action = makeAction();
    await expect(
      action.handler(context(baseInput, { checkpoint: store.checkpoint })),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      // The failure says what exists now.
      message: expect.stringMatching(
        /Vault "prod" answered 500 Internal Server Error to POST \/v1\/auth\/kubernetes\/role\/orders-service: internal error.* Written by this step before the failure: policy "orders-service-read" \(created\)\. Run the task again to finish; it converges\.$/,
      ),
    });
    expect(vault.policies.has('orders-service-read')).toBe(true);
    expect(vault.roles.size).toBe(0);
    expect(vault.secrets.size).toBe(0);

    const ctx = context(baseInput, { checkpoint: store.checkpoint });
    await action.handler(ctx);

    expect(vault.roles.has('kubernetes/orders-service')).toBe(true);
    expect(vault.secrets.has('secret/orders-service/db-password')).toBe(true);
    // The re-run sees the policy it wrote and does not write it again.
    expect(
      vault.writes().filter(r => r.path.startsWith('/v1/sys/policies')),
    ).toHaveLength(1);
    expect(outputs(ctx)).toMatchObject({
      policyState: 'unchanged',
      roleState: 'created',
      secretStates: { 'db-password': 'created' },
    });
  });

  it('replays completed steps from their checkpoints instead of repeating them', async () => {
    const store = checkpointStore({
      'vault.policy.v1:prod/orders-service-read': null,
      'vault.role.v1:prod/kubernetes/orders-service': null,
      'vault.secret.v1:prod/secret/data/orders-service/db-password': 'created',
    });

    const ctx = context(baseInput, { checkpoint: store.checkpoint });
    await makeAction().handler(ctx);

    expect(store.replayed).toEqual([
      'vault.policy.v1:prod/orders-service-read',
      'vault.role.v1:prod/kubernetes/orders-service',
      'vault.secret.v1:prod/secret/data/orders-service/db-password',
    ]);
    expect(vault.writes()).toHaveLength(0);
    expect(outputs(ctx).secretStates).toEqual({ 'db-password': 'created' });
  });

  it('plans without writing in a dry run', async () => {
    vault.putSecret('secret', 'orders-service/api-key', { value: 'real' });
    const ctx = context(
      {
        ...baseInput,
        seedSecrets: { 'db-password': 'x', 'api-key': 'y' },
      },
      { isDryRun: true },
    );
    const logged = captureLogs(ctx);
    await makeAction().handler(ctx);

    expect(vault.writes()).toHaveLength(0);
    expect(vault.policies.size).toBe(0);
    expect(vault.roles.size).toBe(0);
    expect(outputs(ctx)).toEqual({
      policyName: 'orders-service-read',
      roleName: 'orders-service',
      secretPath: 'secret/data/orders-service',
      policyState: 'created',
      roleState: 'created',
      secretStates: { 'api-key': 'unchanged', 'db-password': 'created' },
    });
    expect(logged.join('\n')).toContain(
      'Dry run, nothing written. Plan on Vault "prod": policy "orders-service-read" created, role "auth/kubernetes/role/orders-service" created, secrets under secret/data/orders-service: api-key unchanged, db-password created',
    );
  });

  it('never overwrites an existing secret', async () => {
    vault.putSecret('secret', 'orders-service/db-password', {
      value: 'the-real-password',
    });

    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    expect(vault.secrets.get('secret/orders-service/db-password')).toEqual([
      expect.objectContaining({ data: { value: 'the-real-password' } }),
    ]);
    expect(vault.writes().filter(r => r.path === secretDataPath)).toHaveLength(
      0,
    );
    expect(outputs(ctx).secretStates).toEqual({ 'db-password': 'unchanged' });
  });

  it('leaves a secret that appeared after the read to check-and-set', async () => {
    vault.putSecret('secret', 'orders-service/db-password', {
      value: 'the-real-password',
    });
    // The metadata read misses it (written concurrently); cas: 0 saves it.
    vault.failNext(
      1,
      404,
      { errors: [] },
      r => r.path === '/v1/secret/metadata/orders-service/db-password',
    );

    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    expect(vault.writes().filter(r => r.path === secretDataPath)).toHaveLength(
      1,
    );
    expect(vault.secrets.get('secret/orders-service/db-password')).toEqual([
      expect.objectContaining({ data: { value: 'the-real-password' } }),
    ]);
    expect(outputs(ctx).secretStates).toEqual({ 'db-password': 'unchanged' });
  });

  it('sends the Vault Enterprise namespace on every call', async () => {
    const ctx = context({ ...baseInput, server: 'enterprise' });
    await makeAction().handler(ctx);

    expect(vault.namespaces.length).toBeGreaterThan(0);
    expect(new Set(vault.namespaces)).toEqual(new Set(['team-a']));
  });

  it('retries 5xx answers with back-off', async () => {
    vault.failNext(2, 503, { errors: ['Vault is sealed'] });

    const ctx = context(baseInput);
    await makeAction().handler(ctx);

    expect(outputs(ctx).policyState).toBe('created');
    expect(vault.policies.has('orders-service-read')).toBe(true);
  });

  it('tells a permission problem from a missing mount and from a network failure', async () => {
    vault.forbidden = true;
    await expect(
      makeAction().handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'Vault "prod" answered 403 Forbidden to GET /v1/sys/policies/acl/orders-service-read: permission denied. The token configured for Vault "prod" lacks the "read" capability on "sys/policies/acl/orders-service-read"',
      ),
    });
    vault.forbidden = false;

    // Only the role write is refused: the hint names the write capability.
    vault.failNext(
      1,
      403,
      { errors: ['1 error occurred:\n\t* permission denied\n\n'] },
      r => r.method === 'POST',
    );
    await expect(
      makeAction().handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        `403 Forbidden to POST ${rolePath}: 1 error occurred: * permission denied. The token configured for Vault "prod" lacks the "create" or "update" capability on "auth/kubernetes/role/orders-service"`,
      ),
    });

    const notFound = await makeAction()
      .handler(context({ ...baseInput, server: 'eu' }))
      .catch(e => e);
    expect(notFound).toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(
        'Vault "eu" answered 404 Not Found to GET /v1/auth/k8s-eu/role/orders-service: no handler for route "auth/k8s-eu/role/orders-service". route entry not found. Is the Kubernetes auth method enabled at "auth/k8s-eu"?',
      ),
    });

    const unreachableError = await makeAction()
      .handler(context({ ...baseInput, server: 'staging' }))
      .catch(e => e);
    expect(unreachableError).toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /Could not reach Vault "staging" at http:\/\/127\.0\.0\.1:\d+\/v1\/sys\/policies\/acl\/orders-service-read: ECONNREFUSED/,
      ),
    });

    const messages = [notFound.message, unreachableError.message];
    expect(messages.some(m => m.includes('permission'))).toBe(false);
  });

  it('answers a wrong token with 403 like Vault, writing nothing', async () => {
    await expect(
      makeAction('hvs.wrong-token').handler(context(baseInput)),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('permission denied'),
    });
    expect(vault.policies.size).toBe(0);
  });

  it('never puts the token or secret values in logs, outputs or errors', async () => {
    const ctx = context(baseInput);
    const logged = captureLogs(ctx);
    await makeAction().handler(ctx);
    const dryRun = context(
      { ...baseInput, service: 'billing' },
      { isDryRun: true },
    );
    const dryLogged = captureLogs(dryRun);
    await makeAction().handler(dryRun);
    vault.failNext(4, 500, { errors: ['internal error'] });
    const error = await makeAction()
      .handler(context({ ...baseInput, service: 'refunds' }))
      .catch(e => e);
    vault.forbidden = true;
    const forbidden = await makeAction()
      .handler(context(baseInput))
      .catch(e => e);

    const everything = JSON.stringify([
      logged,
      dryLogged,
      (ctx.output as jest.Mock).mock.calls,
      (dryRun.output as jest.Mock).mock.calls,
      error.message,
      forbidden.message,
    ]);
    expect(everything).not.toContain(vault.token);
    expect(everything).not.toContain('placeholder-db');
  });

  it('documents itself with examples that pass its input checks and a dry run', async () => {
    await expectExamplesWork({
      examples,
      fields: inputFields,
      // The examples name the servers "prod" and "staging": both the double here.
      action: createVaultPolicyAction({
        access: allowEveryone,
        config: new ConfigReader({
          pavedRoad: {
            vault: {
              servers: ['prod', 'staging'].map(name => ({
                name,
                address: vault.url,
                token: vault.token,
              })),
            },
          },
        }),
        retryPolicy: fastRetries,
      }),
      values: {
        'parameters.name': 'orders-service',
        'parameters.pullRequest': '42',
      },
      dryRun: true,
    });
  });

  describe('refuses bad input before calling Vault', () => {
    it.each([
      [{ service: '../x' }, 'service: service must be 1-63 lowercase letters'],
      [{ service: 'orders*' }, 'service: service must be 1-63'],
      [{ service: 'a'.repeat(64) }, 'service: service must be 1-63'],
      [
        { policyName: 'x" {}\npath "*' },
        'policyName: policyName must be 1-128 lowercase letters',
      ],
      [{ policyName: 'orders/read' }, 'policyName: policyName must be'],
      [{ policyName: 'default' }, 'policyName "default" is built into Vault'],
      [{ roleName: 'Orders' }, 'roleName: roleName must be'],
      [{ serviceAccount: 'sa*' }, 'serviceAccount: serviceAccount must be'],
      [{ namespace: 'ns\nkind: x' }, 'namespace: namespace must be'],
      [{ namespace: 'kube-system' }, 'namespace "kube-system" is reserved'],
      [{ namespace: 'istio-system' }, 'namespace "istio-system" is reserved'],
      [
        { namespace: 'team-payments' },
        'namespace "team-payments" is not a namespace of service "orders-service": the Vault role may bind only "orders-service" or a namespace starting with "orders-service-", e.g. the preview namespace "orders-service-pr-42".',
      ],
      [
        { namespace: 'orders-service2' },
        'namespace "orders-service2" is not a namespace of service "orders-service"',
      ],
      [{ namespace: 'orders' }, 'namespace "orders" is not a namespace of'],
      [{ serviceAccount: 'default' }, 'serviceAccount "default" is shared'],
      [{ tokenTtl: '1d' }, 'tokenTtl: tokenTtl must be a whole number'],
      [{ tokenMaxTtl: '-1h' }, 'tokenMaxTtl: tokenMaxTtl must be'],
      [
        { tokenTtl: '48h', tokenMaxTtl: '24h' },
        'tokenTtl "48h" is longer than tokenMaxTtl "24h"',
      ],
      [{ audience: 'vault", "x' }, 'audience: audience must be'],
      [
        { seedSecrets: { '../../other/key': 'x', ok: 'y' } },
        'seedSecrets: keys must be 1-64 letters, digits, "-" or "_", starting and ending with a letter or digit, at most 50 of them; not valid: "../../other/key"',
      ],
      [{ seedSecrets: { 'a*': 'x' } }, 'not valid: "a*"'],
      [
        { server: 'dev' },
        'Unknown Vault server "dev". Configured: "prod", "enterprise", "eu", "staging"',
      ],
    ])('%j', async (override, message) => {
      await expectRefusedBeforeAnyCall(
        makeAction(),
        { ...baseInput, ...override },
        message,
        vault,
      );
    });
  });

  it('refuses a user outside the owner team before any call, saying who may run it', async () => {
    await expectRefusedBeforeAnyCall(
      makeAction(vault.token, denyEveryone),
      { ...baseInput, owner: 'fulfilment-team' },
      'for team "fulfilment-team"',
      vault,
      'NotAllowedError',
    );
  });
});
