import fs from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../exitCodes';
import { PortalClient } from '../portal/PortalClient';
import { checkTemplate, stepOfMessage } from './check';
import { formatProblem } from './problems';
import {
  PortalDouble,
  closedPortUrl,
  startPortalDouble,
} from '../__testUtils__/portalDouble';
import { Answer, refused, rendered } from '../__testUtils__/scaffolderAnswers';
import {
  MINI_CHECK,
  MINI_TEMPLATE,
  goodRepository,
  writeFiles,
} from './__testUtils__/fixtures';

describe('checkTemplate', () => {
  let double: PortalDouble;
  let portal: PortalClient;
  let cwd: string;

  beforeEach(async () => {
    double = await startPortalDouble({ tokens: ['test-token'] });
    portal = new PortalClient({ url: double.url, token: 'test-token' });
  });
  afterEach(async () => {
    await double.close();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  /** templates/mini-service in a fresh folder (the cwd of the check). */
  function miniService(files: Record<string, string> = {}) {
    cwd = writeFiles({
      'templates/mini-service/template.yaml': MINI_TEMPLATE,
      'templates/mini-service/check.yaml': MINI_CHECK,
      'templates/mini-service/skeleton/catalog-info.yaml':
        'name: ${{ values.name }}\n',
      // Never sent: not part of the template.
      'templates/mini-service/node_modules/left-over/index.js': '',
      'templates/mini-service/.git/HEAD': 'ref: refs/heads/main\n',
      ...files,
    });
    return {
      portal,
      cwd,
      file: path.join(cwd, 'templates/mini-service/template.yaml'),
    };
  }
  const lines = (result: { problems: any[] }) =>
    result.problems.map(formatProblem);
  /** The dry run answers as the test says. */
  const dryRunAnswers = (by: (body: any) => Answer) =>
    double.answer('POST /api/scaffolder/v2/dry-run', request =>
      by(request.body),
    );

  it("dry-runs with check.yaml's answers and the folder's files, and passes a good repository", async () => {
    dryRunAnswers(() => rendered(goodRepository()));
    const result = await checkTemplate(miniService());

    expect(result).toMatchObject({
      name: 'mini-service',
      dir: 'templates/mini-service',
      file: 'templates/mini-service/template.yaml',
      problems: [],
      dryRun: 'passed',
      valuesFrom: 'check.yaml',
    });
    const [request] = double.calls('POST', '/api/scaffolder/v2/dry-run');
    expect(request.authorization).toBe('Bearer test-token');
    expect(request.body.template.metadata.name).toBe('mini-service');
    expect(request.body.values).toEqual({
      name: 'orders-service',
      owner: 'group:default/fulfilment-team',
      replicas: 3,
    });
    expect(
      request.body.directoryContents
        .map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['check.yaml', 'skeleton/catalog-info.yaml', 'template.yaml']);
    expect(double.calls('GET', '/api/scaffolder/v2/actions')).toHaveLength(1);
  });

  it('reports what the rendered repository lacks or gets wrong, at the fetch step', async () => {
    const repository = goodRepository('orders', 'group:default/other-team');
    delete repository['k8s/service.yaml'];
    repository['k8s/kustomization.yaml'] = 'resources: [deployment.yaml]\n';
    repository['k8s/deployment.yaml'] = repository['k8s/deployment.yaml']
      .replace(/ {10}livenessProbe.*\n/, '')
      .replace('name: orders\n', 'name: Orders\n');
    dryRunAnswers(() => rendered(repository));

    const result = await checkTemplate(miniService());

    const at =
      'templates/mini-service/template.yaml:22: template "mini-service", step "fetch"';
    expect(lines(result)).toEqual([
      `${at}: check.yaml expects files the dry run did not render: k8s/service.yaml`,
      `${at}: catalog-info.yaml names the Component "orders", but the answer "name" is "orders-service"`,
      `${at}: catalog-info.yaml gives the Component the owner "group:default/other-team", but the answer "owner" is "group:default/fulfilment-team"`,
      `${at}: k8s/deployment.yaml: metadata.name "Orders" is not an RFC 1123 name`,
      `${at}: k8s/deployment.yaml: container app has no livenessProbe`,
    ]);
    expect(result.dryRun).toBe('passed');
  });

  it('reports a catalog-info.yaml the catalog would refuse', async () => {
    const repository = goodRepository();
    repository['catalog-info.yaml'] = repository['catalog-info.yaml'].replace(
      '  lifecycle: experimental\n',
      '',
    );
    dryRunAnswers(() => rendered(repository));

    const result = await checkTemplate(miniService());

    expect(lines(result)).toEqual([
      expect.stringMatching(
        /^templates\/mini-service\/template\.yaml:22: template "mini-service", step "fetch": catalog-info\.yaml entity Component:orders-service is invalid: .*lifecycle/,
      ),
    ]);
  });

  it("without a check.yaml, answers from the wizard's defaults and placeholders and checks no expected files", async () => {
    dryRunAnswers(body =>
      rendered(goodRepository(body.values.name, body.values.owner)),
    );
    const options = miniService();
    fs.rmSync(path.join(cwd, 'templates/mini-service/check.yaml'));

    const result = await checkTemplate(options);

    expect(result).toMatchObject({ problems: [], valuesFrom: 'generated' });
    expect(
      double.calls('POST', '/api/scaffolder/v2/dry-run')[0].body.values,
    ).toEqual({
      name: 'check-name',
      owner: 'group:default/check-owner',
      replicas: 2,
    });
  });

  it("reports answers the wizard's schema refuses at spec.parameters", async () => {
    dryRunAnswers(() => ({
      status: 400,
      body: {
        errors: [
          {
            stack:
              'instance.name does not match pattern "^[a-z][a-z0-9-]{1,38}[a-z0-9]$"',
          },
        ],
      },
    }));
    const result = await checkTemplate(miniService());
    expect(lines(result)).toEqual([
      'templates/mini-service/template.yaml:8: template "mini-service": the sample answers in check.yaml do not satisfy the wizard\'s schema: instance.name does not match pattern "^[a-z][a-z0-9-]{1,38}[a-z0-9]$"',
    ]);
    expect(result.dryRun).toBe('failed');
  });

  it('names the step whose action the scaffolder refused', async () => {
    dryRunAnswers(() =>
      refused(
        400,
        'Invalid input passed to action catalog:location:register, instance.type is not one of enum values: url,file',
      ),
    );
    const result = await checkTemplate(miniService());
    expect(lines(result)).toEqual([
      'templates/mini-service/template.yaml:33: template "mini-service", step "register": Invalid input passed to action catalog:location:register, instance.type is not one of enum values: url,file',
    ]);
  });

  it('names the step the dry run log says failed', async () => {
    dryRunAnswers(() => ({
      status: 200,
      body: {
        log: [
          {
            body: {
              message: 'Beginning step',
              stepId: 'fetch',
              status: 'processing',
            },
          },
          {
            body: {
              message: 'Finished step',
              stepId: 'fetch',
              status: 'completed',
            },
          },
          {
            body: {
              message: 'InputError: no message',
              stepId: 'log',
              status: 'failed',
            },
          },
        ],
        directoryContents: [],
        output: {},
      },
    }));
    const result = await checkTemplate(miniService());
    expect(lines(result)).toEqual([
      'templates/mini-service/template.yaml:29: template "mini-service", step "log": InputError: no message',
    ]);
  });

  it('does not dry-run a template the linter rejects', async () => {
    const result = await checkTemplate(
      miniService({
        'templates/mini-service/template.yaml': MINI_TEMPLATE.replace(
          'rendered ${{ parameters.name }}',
          'rendered ${{ parameters.nam }}',
        ),
      }),
    );
    expect(lines(result)).toEqual([
      'templates/mini-service/template.yaml:32: template "mini-service", step "log": input.message: parameters.nam is not declared by the wizard (spec.parameters); did you mean parameters.name?',
    ]);
    expect(result.dryRun).toBe('skipped');
    expect(double.calls('POST', '/api/scaffolder/v2/dry-run')).toEqual([]);
  });

  it('offline, asks the portal nothing', async () => {
    const result = await checkTemplate({ ...miniService(), offline: true });
    expect(result).toMatchObject({ problems: [], dryRun: 'skipped' });
    expect(double.requests).toEqual([]);
  });

  it('fails with "unreachable" when the portal does not answer', async () => {
    const options = miniService();
    await expect(
      checkTemplate({
        ...options,
        portal: new PortalClient({ url: await closedPortUrl(), token: 't' }),
      }),
    ).rejects.toMatchObject({ exitCode: ExitCode.Unreachable });
  });
});

describe('stepOfMessage', () => {
  const steps = [
    { id: 'preflight', action: 'paved-road:preflight', line: 3 },
    { id: 'fetch', action: 'fetch:template', line: 10 },
    { id: 'log', action: 'debug:log', line: 15 },
    { id: 'namespace', action: 'kubernetes:namespace:provision', line: 20 },
  ];
  it.each([
    ["Template action with ID 'debug:log' is not registered. See …", 'log'],
    [
      'Invalid input passed to action fetch:template, instance requires property "url"',
      'fetch',
    ],
    [
      'Invalid input passed to action debug:log[1], instance.message is not of a type(s) string',
      'log',
    ],
    [
      'Invalid input to kubernetes:namespace:provision: size: Invalid enum value',
      'namespace',
    ],
    ['Preflight refused 1 of 3 steps; nothing was written', 'preflight'],
    [
      'Invalid value on action debug:log.each parameter, must resolve to an array or object',
      'log',
    ],
    [
      'kubernetes:namespace:provision could not reach the cluster "dev"',
      'namespace',
    ],
    ['Something else went wrong', undefined],
  ])('%s → %s', (message, step) => {
    expect(stepOfMessage(message, steps)?.id).toBe(step);
  });
});
