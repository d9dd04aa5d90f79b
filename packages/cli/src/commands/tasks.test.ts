import { ExitCode } from '../exitCodes';
import { followLogs, platform } from '../__testUtils__/platform';
import { PortalDouble, startPortalDouble } from '../__testUtils__/portalDouble';

let portal: PortalDouble;

afterEach(async () => {
  await portal?.close();
});

const values = {
  name: 'checkout-api',
  description: 'Checkout',
  owner: 'group:default/fulfilment-team',
  system: 'system:default/order-management',
  database: 'none',
  environment: 'dev',
  size: 'small',
  replicas: 2,
};

describe('platform logs', () => {
  it('--follow long-polls the events until the task ends, and exits 0 when it completed', async () => {
    portal = await startPortalDouble({ eventInterval: 15 });
    const id = portal.startTask('template:default/nodejs-service', values);

    const result = await platform(portal.url, ...followLogs(id));

    expect(result).toMatchObject({ code: ExitCode.Ok, err: '' });
    expect(result.out).toContain(
      '[1/9] Check ArgoCD, Vault and the namespace before writing anything',
    );
    expect(result.out).toContain('[9/9] Provision the namespace');
    expect(result.out).toContain(`✓ Task ${id} completed`);
    expect(result.out).toContain(
      'Open in catalog: ' +
        `${portal.url}/catalog/default/component/checkout-api`,
    );
    // Every step once, though the events came over several polls.
    expect(result.out.match(/\[2\/9\] /g)).toHaveLength(1);
    const polls = portal.calls('GET', `/api/scaffolder/v2/tasks/${id}/events`);
    expect(polls.length).toBeGreaterThan(1);
    expect(polls[0].query.get('after')).toBeNull();
    expect(Number(polls[1].query.get('after'))).toBeGreaterThan(0);
  });

  it('--follow exits 1 when the task fails', async () => {
    portal = await startPortalDouble();
    portal.nextTask = {
      failAt: { stepId: 'fetch', message: 'skeleton/ is missing' },
    };
    const id = portal.startTask('template:default/go-service', values);

    const result = await platform(portal.url, 'logs', '--follow', id);

    expect(result.code).toBe(ExitCode.Failed);
    expect(result.out).toContain('      ✗ Error: skeleton/ is missing');
    expect(result.err).toContain(`✗ Task ${id} failed at step "fetch"`);
  });

  it('without --follow prints what there is and says the task is still running', async () => {
    portal = await startPortalDouble({ eventInterval: 200 });
    const id = portal.startTask('template:default/go-service', values);
    // The task has started (one event out), and has far to go.
    await new Promise(resolve => setTimeout(resolve, 300));
    const result = await platform(portal.url, 'logs', id);
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.out).toContain(
      `Task ${id} is processing (platform logs ${id} --follow to wait for the end)`,
    );
  });

  it('exits 2 for a task the scaffolder does not know', async () => {
    portal = await startPortalDouble();
    const result = await platform(portal.url, 'logs', 'no-such-task');
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.err).toContain('Task with id no-such-task does not exist');
  });
});

describe('platform status', () => {
  it("shows the template, who created it and each step's status; exit 1 for a failed task", async () => {
    portal = await startPortalDouble();
    portal.nextTask = {
      failAt: { stepId: 'argocd', message: 'ArgoCD refused the application' },
    };
    const id = portal.startTask('template:default/go-service', values);
    await platform(portal.url, ...followLogs(id));

    const result = await platform(portal.url, 'status', id);

    expect(result.code).toBe(ExitCode.Failed);
    expect(result.out.split('\n')).toEqual([
      `Task      ${id}`,
      'Template  template:default/go-service',
      'Status    failed',
      expect.stringMatching(/^Created {3}\d{4}-.* by user:development\/guest$/),
      'Steps',
      '  ✓ [1/9] preflight        Check ArgoCD, Vault and the namespace before writing anything (completed)',
      '  ✓ [2/9] fetch            Generate the repository from the skeleton (completed)',
      '  ✓ [3/9] publish          Publish the repository (completed)',
      '  – [4/9] publish-github   Publish the repository on GitHub (skipped)',
      '  ✓ [5/9] register         Register in the catalog (completed)',
      '  – [6/9] register-github  Register in the catalog (skipped)',
      '  ✗ [7/9] argocd           Register the ArgoCD application (failed)',
      '  – [8/9] vault            Write the Vault policy (skipped)',
      '  – [9/9] namespace        Provision the namespace (skipped)',
      'Error     ArgoCD refused the application',
    ]);
  });
});
