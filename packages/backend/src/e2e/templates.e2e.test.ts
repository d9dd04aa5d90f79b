/*
 * `yarn templates:check`: every golden path under templates/ through the
 * scaffolder's dry run on the built backend (embedded default, whose
 * stand-ins answer the actions' reads), then its rendered repository
 * checked. Runs in CI with the other end-to-end suites.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import yaml from 'yaml';
import {
  extractBundle,
  guestToken,
  repoRoot,
  RunningBackend,
  startBackend,
} from './harness';
import {
  checkCatalogInfo,
  checkKubernetesManifests,
  dryRunTemplate,
  templateDirs,
} from './__testUtils__/templateCheck';

const templatesRoot = path.join(repoRoot, 'templates');

describe('golden-path templates (scaffolder dry run)', () => {
  let bundleDir: string;
  let backend: RunningBackend;
  let token: string;

  beforeAll(async () => {
    bundleDir = extractBundle();
    backend = await startBackend({
      bundleDir,
      port: 7227,
      configs: ['app-config.yaml'],
      workingDir: 'packages/backend',
      env: { NODE_ENV: 'development' },
    });
    token = await guestToken(backend.baseUrl);
  }, 180_000);

  afterAll(async () => {
    await backend?.stop();
    if (bundleDir) {
      fs.rmSync(bundleDir, { recursive: true, force: true });
    }
  });

  it('finds the golden paths and the platform team namespace template', () => {
    expect(
      templateDirs(templatesRoot)
        .map(d => path.basename(d))
        .sort(),
    ).toEqual([
      'ephemeral-environment',
      'go-service',
      'nodejs-service',
      'team-namespace',
    ]);
  });

  it.each(templateDirs(templatesRoot).map(dir => [path.basename(dir), dir]))(
    '%s dry-runs to a complete, valid repository',
    async (_name, templateDir) => {
      const { name, files, check } = await dryRunTemplate({
        baseUrl: backend.baseUrl,
        token,
        templateDir,
      });
      const missing = check.expectedFiles.filter(f => !files.has(f));
      expect({ template: name, missing }).toEqual({
        template: name,
        missing: [],
      });
      if (check.expectedFiles.length === 0) {
        return;
      }
      const component = await checkCatalogInfo(name, files);
      expect(component.metadata.name).toBe(check.values.name);
      expect(component.spec.owner).toBe(check.values.owner);
      checkKubernetesManifests(name, files);
    },
    60_000,
  );

  it('names the template, the step and the reason when a template is broken', async () => {
    const templateDir = path.join(templatesRoot, 'nodejs-service');
    const template = yaml.parse(
      fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
    );
    // The namespace step and its preflight share one input (a YAML anchor):
    // the preflight, the first step, refuses it before anything is written.
    const namespaceStep = template.spec.steps.find(
      (s: { id: string }) => s.id === 'namespace',
    );
    namespaceStep.input.size = 'huge';

    await expect(
      dryRunTemplate({
        baseUrl: backend.baseUrl,
        token,
        templateDir,
        template,
      }),
    ).rejects.toThrow(
      /Template "nodejs-service", step "preflight": Preflight refused 1 of 3 steps[^\n]*\n- step 3 of 3 \(kubernetes:namespace:provision\): .*size/,
    );
  }, 60_000);

  it('renders a Node.js starter that builds and passes its own tests', async () => {
    const { files } = await dryRunTemplate({
      baseUrl: backend.baseUrl,
      token,
      templateDir: path.join(templatesRoot, 'nodejs-service'),
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-starter-'));
    try {
      for (const [file, content] of files) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
      }
      const npm = (...args: string[]) =>
        promisify(execFile)('npm', args, { cwd: dir, maxBuffer: 64 << 20 });
      await npm('ci', '--no-audit', '--no-fund');
      await npm('run', 'build');
      const { stdout } = await npm('test');
      expect(stdout).toMatch(/# fail 0/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
