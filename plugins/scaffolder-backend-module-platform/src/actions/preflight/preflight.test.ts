import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import {
  ArgoCdDouble,
  KubernetesDouble,
  VaultDouble,
} from '@internal/platform-api-doubles';
import {
  actionContext as context,
  captureLogs,
  fastRetries,
} from '../../__testUtils__/actionContext';
import { allowEveryone, denyEveryone } from '../../__testUtils__/access';
import { GoldenPathAccess } from '../../access/GoldenPathAccess';
import { createArgoCdRegisterAction } from '../argocd/register';
import { createVaultPolicyAction } from '../vault/policy';
import { createNamespaceProvisionAction } from '../kubernetes/namespace';
import { expectExamplesWork } from '../../__testUtils__/examples';
import { createPreflightAction, inputFields } from './preflight';
import { examples } from './preflight.examples';

describe('paved-road:preflight', () => {
  let argocd: ArgoCdDouble;
  let vault: VaultDouble;
  let k8s: KubernetesDouble;

  beforeEach(async () => {
    argocd = await new ArgoCdDouble().start();
    vault = await new VaultDouble().start();
    k8s = await new KubernetesDouble().start();
  });
  afterEach(async () => {
    await Promise.all([argocd.close(), vault.close(), k8s.close()]);
  });

  /** The three writes of a golden path, on the doubles, as the module builds them. */
  function makePreflight(access: GoldenPathAccess = allowEveryone) {
    const config = new ConfigReader({
      pavedRoad: {
        argocd: {
          sourceRepos: ['https://github.com/acme-freight/*'],
          instances: [{ name: 'dev', url: argocd.url, token: argocd.token }],
        },
        vault: {
          servers: [{ name: 'dev', address: vault.url, token: vault.token }],
        },
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
    });
    const options = { config, access, retryPolicy: fastRetries };
    return createPreflightAction({
      actions: [
        createArgoCdRegisterAction(options),
        createVaultPolicyAction(options),
        createNamespaceProvisionAction(options),
      ],
    });
  }

  /** A new service's three platform steps, as the Node.js golden path renders them. */
  const stepsFor = (name: string, owner = 'fulfilment-team') => [
    {
      action: 'argocd:application:register',
      input: {
        instance: 'dev',
        name,
        repoUrl: `https://github.com/acme-freight/${name}.git`,
        path: 'k8s',
        targetRevision: 'main',
        destinationServer: 'https://kubernetes.default.svc',
        destinationNamespace: name,
        owner,
        createNamespace: false,
      },
    },
    {
      action: 'vault:policy:write',
      input: { server: 'dev', service: name, namespace: name, owner },
    },
    {
      action: 'kubernetes:namespace:provision',
      input: { cluster: 'dev', namespace: name, owner },
    },
  ];

  /**
   * Every request that changed something, as "METHOD path" (the cluster's
   * server-side dry runs change nothing).
   */
  const writes = () =>
    [...argocd.writes(), ...vault.writes(), ...k8s.mutations()].map(
      request => `${request.method} ${request.path}`,
    );

  it('checks every step against the systems and writes nothing', async () => {
    const ctx = context({ steps: stepsFor('parcel-tracker') });
    const logged = captureLogs(ctx);
    await makePreflight().handler(ctx);

    expect(logged).toEqual(
      expect.arrayContaining([
        'Preflight step 1 of 3 (argocd:application:register): would go through',
        'Preflight step 2 of 3 (vault:policy:write): would go through',
        'Preflight step 3 of 3 (kubernetes:namespace:provision): would go through',
      ]),
    );
    // Each system was asked what exists (the read-compare), nothing changed.
    expect(argocd.requests.length).toBeGreaterThan(0);
    expect(vault.requests.length).toBeGreaterThan(0);
    expect(k8s.requests.length).toBeGreaterThan(0);
    expect(writes()).toEqual([]);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it.each(['kube-system', 'argocd', 'vault', 'cert-manager'])(
    'refuses the reserved name %s in every step that takes it, before anything is written',
    async name => {
      const error = await makePreflight()
        .handler(context({ steps: stepsFor(name) }))
        .catch(e => e);
      expect(error.name).toBe('InputError');
      const [summary, ...refused] = error.message.split('\n');
      expect(summary).toBe(
        'Preflight refused 3 of 3 steps; nothing was written. Fix the input and run again:',
      );
      expect(refused).toEqual([
        expect.stringMatching(
          /^- step 1 of 3 \(argocd:application:register\): destinationNamespace ".*" is reserved/,
        ),
        expect.stringMatching(
          /^- step 2 of 3 \(vault:policy:write\): namespace ".*" is reserved/,
        ),
        expect.stringMatching(
          /^- step 3 of 3 \(kubernetes:namespace:provision\): namespace ".*" is reserved/,
        ),
      ]);
      expect(error.message).toContain(`"${name}" is reserved`);
      expect(writes()).toEqual([]);
    },
  );

  it('refuses a user outside the owner team as NotAllowedError, naming the team', async () => {
    const error = await makePreflight(denyEveryone)
      .handler(context({ steps: stepsFor('parcel-tracker') }))
      .catch(e => e);
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toContain('for team "fulfilment-team"');
    expect(error.message).toContain('Ask a member of fulfilment-team');
    expect(writes()).toEqual([]);
  });

  it('refuses one differing step although the others would go through', async () => {
    const steps = stepsFor('parcel-tracker');
    (steps[2].input as Record<string, unknown>).labels = {
      'pod-security.kubernetes.io/enforce': 'privileged',
    };
    const error = await makePreflight()
      .handler(context({ steps }))
      .catch(e => e);
    expect(error.message.split('\n')).toEqual([
      'Preflight refused 1 of 3 steps; nothing was written. Fix the input and run again:',
      expect.stringMatching(
        /^- step 3 of 3 \(kubernetes:namespace:provision\): .*pod-security\.kubernetes\.io\//,
      ),
    ]);
    expect(writes()).toEqual([]);
  });

  it('names the actions it can check when a step names another', async () => {
    await expect(
      makePreflight().handler(
        context({ steps: [{ action: 'publish:github', input: {} }] }),
      ),
    ).rejects.toThrow(
      'Invalid input to paved-road:preflight: "publish:github" cannot be checked; it checks "argocd:application:register", "vault:policy:write", "kubernetes:namespace:provision".',
    );
  });

  it('documents itself with an example that names only actions it checks', () => {
    const known = new Set([
      'argocd:application:register',
      'vault:policy:write',
      'kubernetes:namespace:provision',
    ]);
    for (const example of examples) {
      const [step] = yaml.parse(example.example).steps;
      expect(step.action).toBe('paved-road:preflight');
      for (const checked of step.input.steps) {
        expect(known.has(checked.action)).toBe(true);
      }
    }
  });

  it('documents itself with examples that pass its input checks and a dry run', async () => {
    await expectExamplesWork({
      examples,
      fields: inputFields,
      action: makePreflight(),
      values: {
        'parameters.environment': 'dev',
        'parameters.name': 'parcel-tracker',
        'environment.parameters.gitBaseUrl': 'https://github.com/acme-freight',
        "parameters.owner | parseEntityRef | pick('name')": 'fulfilment-team',
      },
      dryRun: true,
    });
  });
});
