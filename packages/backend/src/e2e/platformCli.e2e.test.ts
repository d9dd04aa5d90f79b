/*
 * The platform CLI as a platform engineer and a developer run it, against
 * the built backend on the embedded default (whose stand-ins answer the
 * actions): `platform templates check` over every template under templates/
 * (what CI runs; a new template needs no change here) and over templates
 * broken in each way the linter knows, then `platform create service` for
 * both languages, its --dry-run, and a refused name.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkTemplate, PortalClient } from '@internal/platform-cli';
import {
  extractBundle,
  guestToken,
  repoRoot,
  RunningBackend,
  startBackend,
  waitForEntity,
} from './harness';
import {
  everythingWritten,
  goldenPathTraces,
  nothingWritten,
  standIns,
} from './__testUtils__/goldenPathTraces';

const platformBin = path.join(repoRoot, 'packages/cli/bin/platform');
/** `create service` answers for a service of the fulfilment team. */
const fulfilmentService = (name: string, language: string) => [
  'create',
  'service',
  '--name',
  name,
  '--language',
  language,
  '--owner',
  'fulfilment-team',
  '--system',
  'order-management',
];
const templatesRoot = path.join(repoRoot, 'templates');

/** Runs `platform <args>` as a user would; never throws on a non-zero exit. */
async function platform(
  baseUrl: string,
  args: string[],
  cwd = repoRoot,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PLATFORM_APP_URL: baseUrl };
  delete env.PLATFORM_TOKEN;
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [platformBin, '--url', baseUrl, ...args],
      { cwd, env, maxBuffer: 16 << 20 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    if (typeof failed.code !== 'number') {
      throw error;
    }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The 1-based line of the first line holding `marker`. */
function lineOf(text: string, marker: string): number {
  const index = text.indexOf(marker);
  if (index < 0) {
    throw new Error(`marker not in the template: ${marker}`);
  }
  return text.slice(0, index).split('\n').length;
}

describe('the platform CLI against the embedded default', () => {
  let bundleDir: string;
  let backend: RunningBackend;
  const scratch: string[] = [];

  beforeAll(async () => {
    bundleDir = extractBundle();
    backend = await startBackend({
      bundleDir,
      port: 7227,
      configs: ['app-config.yaml'],
      workingDir: 'packages/backend',
      env: { NODE_ENV: 'development' },
    });
  }, 180_000);

  afterAll(async () => {
    await backend?.stop();
    for (const dir of [bundleDir, ...scratch].filter(Boolean)) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes every template under templates/', async () => {
    const result = await platform(backend.baseUrl, ['templates', 'check']);
    expect(result).toMatchObject({ code: 0 });
    const dirs = fs
      .readdirSync(templatesRoot)
      .filter(dir =>
        fs.existsSync(path.join(templatesRoot, dir, 'template.yaml')),
      );
    expect(dirs.length).toBeGreaterThan(0);
    for (const dir of dirs) {
      expect(result.stdout).toContain(`(templates/${dir})`);
    }
    expect(result.stdout).not.toMatch(/✗/);
  }, 120_000);

  /** A copy of nodejs-service with one edit, in a folder of its own. */
  function brokenCopy(edit: (text: string) => string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-broken-'));
    scratch.push(dir);
    fs.cpSync(path.join(templatesRoot, 'nodejs-service'), dir, {
      recursive: true,
    });
    const file = path.join(dir, 'template.yaml');
    fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
    return dir;
  }

  const replaceOnce = (from: string, to: string) => (text: string) => {
    if (!text.includes(from)) {
      throw new Error(`not in the template: ${from}`);
    }
    return text.replace(from, to);
  };

  it.each([
    {
      broken: 'an unknown action',
      edit: replaceOnce('action: fetch:template', 'action: fetch:templat'),
      marker: 'action: fetch:templat',
      step: 'fetch',
      reason: /fetch:templat/,
    },
    {
      broken: 'an undeclared parameter',
      edit: replaceOnce(
        '        name: ${{ parameters.name }}\n        description: ${{ parameters.description }}\n        defaultBranch: main',
        '        name: ${{ parameters.name }}\n        description: ${{ parameters.descripton }}\n        defaultBranch: main',
      ),
      marker: 'parameters.descripton',
      step: 'publish',
      reason: /descripton/,
    },
    {
      broken: 'an output the earlier step does not declare',
      edit: replaceOnce(
        'steps.publish.output.catalogInfoTarget',
        'steps.publish.output.catalogTarget',
      ),
      marker: 'steps.publish.output.catalogTarget',
      step: 'register',
      reason: /catalogTarget/,
    },
    {
      broken: 'an input the action does not take',
      edit: replaceOnce(
        '        defaultBranch: main\n',
        '        defaultBranch: main\n        visibility: private\n',
      ),
      marker: 'visibility: private',
      step: 'publish',
      reason: /visibility/,
    },
    {
      broken: 'an input of the wrong type',
      edit: replaceOnce('createNamespace: false', 'createNamespace: "no"'),
      marker: 'createNamespace: "no"',
      step: 'argocd',
      reason: /createNamespace.*boolean/,
    },
  ])(
    'rejects a template with $broken, naming file, line, step and reason',
    async ({ edit, marker, step, reason }) => {
      const dir = brokenCopy(edit);
      const text = fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8');
      const result = await platform(backend.baseUrl, [
        'templates',
        'check',
        dir,
      ]);
      expect(result.code).toBe(1);
      const expected = `${path.relative(repoRoot, dir)}/template.yaml:${lineOf(
        text,
        marker,
      )}: template "nodejs-service", step "${step}": `;
      const line = result.stdout
        .split('\n')
        .find(l => l.trim().startsWith(expected));
      expect({ line, stdout: result.stdout }).toEqual({
        line: expect.stringMatching(reason),
        stdout: expect.anything(),
      });
    },
    60_000,
  );

  it('refuses a path that holds no template before asking the portal', async () => {
    const result = await platform(backend.baseUrl, [
      'templates',
      'check',
      path.join(templatesRoot, 'no-such-template'),
    ]);
    expect(result.code).toBe(2);
  });

  it.each([
    ['nodejs', 'parcel-tracker'],
    ['go', 'route-planner'],
  ])(
    'creates a %s service in one command: catalog, repository, ArgoCD, Vault and namespace',
    async (language, name) => {
      const result = await platform(backend.baseUrl, [
        ...fulfilmentService(name, language),
      ]);
      expect({ code: result.code, stderr: result.stderr }).toEqual({
        code: 0,
        stderr: expect.any(String),
      });
      expect(result.stdout).toMatch(/\[1\/\d+\] /);
      // The catalog ingests the registered location shortly after the task.
      await waitForEntity(
        backend.baseUrl,
        await guestToken(backend.baseUrl),
        `component/default/${name}`,
      );
      expect(
        await goldenPathTraces(name, { baseUrl: backend.baseUrl, bundleDir }),
      ).toEqual(everythingWritten('fulfilment-team'));

      // The printed links lead to what was made.
      const link = (title: string) =>
        result.stdout.match(new RegExp(`^${title}: (\\S+)$`, 'm'))?.[1];
      const catalogLink = link('Open in catalog');
      expect(catalogLink).toBe(
        `${backend.baseUrl}/catalog/default/component/${name}`,
      );
      expect((await fetch(catalogLink!)).status).toBe(200);
      const repository = await fetch(link('Repository')!);
      expect(await repository.text()).toContain(
        `git clone ${link('Repository')}`,
      );
      // The ArgoCD link is its UI's page of the application the stand-in holds.
      expect(link('ArgoCD application')).toBe(
        `${standIns.argocd}/applications/${name}`,
      );
    },
    240_000,
  );

  it('plans with --dry-run and writes nothing', async () => {
    const token = await guestToken(backend.baseUrl);
    const tasks = async () =>
      (
        await (
          await fetch(`${backend.baseUrl}/api/scaffolder/v2/tasks`, {
            headers: { Authorization: `Bearer ${token}` },
          })
        ).json()
      ).totalTasks;
    const before = await tasks();
    const result = await platform(backend.baseUrl, [
      ...fulfilmentService('dry-tracker', 'nodejs'),
      '--dry-run',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/catalog-info\.yaml/);
    expect(result.stdout).toMatch(/deployment\.yaml/);
    expect(await tasks()).toBe(before);
    expect(
      await goldenPathTraces('dry-tracker', {
        baseUrl: backend.baseUrl,
        bundleDir,
      }),
    ).toEqual(nothingWritten);
  }, 120_000);

  it("refuses a bad name with the wizard's message before any task starts", async () => {
    const result = await platform(backend.baseUrl, [
      ...fulfilmentService('Checkout_API', 'go'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Name/);
    expect(result.stderr).toMatch(/Lowercase letters, digits and "-"/);
    expect(
      await goldenPathTraces('Checkout_API', {
        baseUrl: backend.baseUrl,
        bundleDir,
      }),
    ).toEqual(nothingWritten);
  }, 60_000);

  it('renders a Node.js starter that builds and passes its own tests', async () => {
    const { files, problems } = await checkTemplate({
      portal: new PortalClient({ url: backend.baseUrl }),
      file: path.join(templatesRoot, 'nodejs-service/template.yaml'),
    });
    expect(problems).toEqual([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-starter-'));
    scratch.push(dir);
    for (const [file, content] of files!) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    const npm = (...args: string[]) =>
      promisify(execFile)('npm', args, { cwd: dir, maxBuffer: 64 << 20 });
    await npm('ci', '--no-audit', '--no-fund');
    await npm('run', 'build');
    const { stdout } = await npm('test');
    expect(stdout).toMatch(/# fail 0/);
  }, 240_000);
});
