import fs from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../exitCodes';
import { run } from '../program';
import {
  ScaffolderDouble,
  closedPortUrl,
  rendered,
  startScaffolderDouble,
} from '../templates/__testUtils__/scaffolderDouble';
import {
  MINI_CHECK,
  MINI_TEMPLATE,
  goodRepository,
  templatesRepo,
} from '../templates/__testUtils__/fixtures';

describe('platform templates', () => {
  let double: ScaffolderDouble;
  let out: string[];
  let err: string[];
  const originalCwd = process.cwd();
  let root: string | undefined;

  beforeEach(async () => {
    double = await startScaffolderDouble();
    out = [];
    err = [];
  });
  afterEach(async () => {
    process.chdir(originalCwd);
    await double.close();
    if (root) {
      fs.rmSync(root, { recursive: true, force: true });
      root = undefined;
    }
  });

  function platform(...args: string[]) {
    return run(['node', 'platform', '--url', double.url, ...args], {
      out: line => out.push(line),
      err: line => err.push(line),
    });
  }

  /** A repository with templates/, entered as the cwd. */
  function inRepository(templates: Record<string, Record<string, string>>) {
    root = templatesRepo(templates);
    process.chdir(root);
    return root;
  }
  const mini = { 'template.yaml': MINI_TEMPLATE, 'check.yaml': MINI_CHECK };
  const brokenMini = {
    'template.yaml': MINI_TEMPLATE.replace(
      'action: debug:log',
      'action: debug:lgo',
    ),
  };

  describe('list', () => {
    it("prints the catalog's templates, every page, signed in as a guest", async () => {
      double.templates = [
        {
          kind: 'Template',
          metadata: { name: 'go-service', title: 'Go service' },
          spec: { type: 'service' },
        },
        {
          kind: 'Template',
          metadata: { name: 'team-namespace', title: 'Namespace for a team' },
          spec: { type: 'namespace' },
        },
        {
          kind: 'Template',
          metadata: {
            name: 'preview',
            namespace: 'labs',
            title: 'Preview environment',
          },
          spec: { type: 'environment' },
        },
      ];

      expect(await platform('templates', 'list')).toBe(ExitCode.Ok);

      expect(out).toEqual([
        'NAME            TYPE         TITLE',
        'go-service      service      Go service',
        'team-namespace  namespace    Namespace for a team',
        'labs/preview    environment  Preview environment',
      ]);
      const pages = double.calls('GET', '/api/catalog/entities/by-query');
      expect(pages.map(p => p.query.get('cursor'))).toEqual([null, '2']);
      expect(pages[0].query.get('filter')).toBe('kind=template');
      expect(pages[0].authorization).toBe('Bearer guest-token');
    });
  });

  describe('check', () => {
    beforeEach(() => {
      double.dryRun = body =>
        rendered(goodRepository(body.values.name, body.values.owner));
    });

    it('checks every template of the repository from any folder in it, and exits 0 when all pass', async () => {
      const repo = inRepository({
        'mini-service': mini,
        // No check.yaml: the answers are generated.
        'other-service': {
          'template.yaml': MINI_TEMPLATE.replace(
            'name: mini-service',
            'name: other-service',
          ),
        },
      });
      fs.mkdirSync(path.join(repo, 'docs'));
      process.chdir(path.join(repo, 'docs'));

      expect(await platform('--token', 't', 'templates', 'check')).toBe(
        ExitCode.Ok,
      );

      expect(out).toEqual([
        '✓ mini-service (../templates/mini-service)',
        '✓ other-service (../templates/other-service) — answers generated from the wizard (no check.yaml)',
        '',
        '2 templates checked: 2 passed, 0 failed',
      ]);
      expect(double.calls('GET', '/api/scaffolder/v2/actions')).toHaveLength(1);
      expect(double.calls('POST', '/api/scaffolder/v2/dry-run')).toHaveLength(
        2,
      );
    });

    it('prints each problem with file, line and step, and exits 1', async () => {
      inRepository({ 'mini-service': mini, broken: brokenMini });

      expect(
        await platform(
          '--token',
          't',
          'templates',
          'check',
          'templates/broken',
          'templates/mini-service/template.yaml',
        ),
      ).toBe(ExitCode.Failed);

      expect(out).toEqual([
        '✗ mini-service (templates/broken)',
        'templates/broken/template.yaml:30: template "mini-service", step "log": unknown action "debug:lgo": the portal has no such action (did you mean "debug:log"?)',
        '✓ mini-service (templates/mini-service)',
        '',
        '2 templates checked: 1 passed, 1 failed (1 problem)',
      ]);
      expect(err).toEqual([]);
    });

    it('exits 2 on a path that does not exist or holds no template, before asking the portal anything', async () => {
      const repo = inRepository({ 'mini-service': mini });
      fs.mkdirSync(path.join(repo, 'templates/empty'));
      fs.writeFileSync(path.join(repo, 'notes.yaml'), 'kind: Component\n');

      expect(
        await platform(
          'templates',
          'check',
          'templates/mini-service',
          'templates/nope',
          'templates/empty',
          'notes.yaml',
        ),
      ).toBe(ExitCode.BadInput);

      expect(err).toEqual([
        'platform: templates/nope: no such file or folder\ntemplates/empty: holds no template.yaml\nnotes.yaml: not a scaffolder template (no kind: Template)',
      ]);
      expect(out).toEqual([]);
      expect(double.requests).toEqual([]);
    });

    it('exits 2 where there is no templates/ folder to default to', async () => {
      root = templatesRepo({});
      fs.rmSync(path.join(root, 'templates'), { recursive: true, force: true });
      process.chdir(root);

      expect(await platform('templates', 'check')).toBe(ExitCode.BadInput);
      expect(err[0]).toMatch(/^platform: No templates\/ folder here or above /);
    });

    it('--offline lints without the portal', async () => {
      inRepository({ 'mini-service': mini, broken: brokenMini });
      await double.close();

      expect(await platform('templates', 'check', '--offline')).toBe(
        ExitCode.Ok,
      );
      expect(out).toEqual([
        '✓ mini-service (templates/broken) — lint only',
        '✓ mini-service (templates/mini-service) — lint only',
        '',
        '2 templates checked offline (lint only, without the actions): 2 passed, 0 failed',
      ]);
      // Started again so that afterEach can close it.
      double = await startScaffolderDouble();
    });

    it('--offline --actions checks actions and inputs from a saved action list', async () => {
      const repo = inRepository({ broken: brokenMini });
      const actions = path.join(repo, 'actions.json');
      fs.writeFileSync(actions, JSON.stringify(double.actions));

      expect(
        await platform('templates', 'check', '--offline', '--actions', actions),
      ).toBe(ExitCode.Failed);
      expect(out[1]).toBe(
        'templates/broken/template.yaml:30: template "mini-service", step "log": unknown action "debug:lgo": the portal has no such action (did you mean "debug:log"?)',
      );
      expect(double.requests).toEqual([]);
    });

    it('exits 3 when the portal cannot be reached', async () => {
      inRepository({ 'mini-service': mini });
      const url = await closedPortUrl();

      expect(
        await run(
          [
            'node',
            'platform',
            '--url',
            url,
            '--token',
            't',
            'templates',
            'check',
          ],
          {
            out: line => out.push(line),
            err: line => err.push(line),
          },
        ),
      ).toBe(ExitCode.Unreachable);
      expect(err[0]).toMatch(/^platform: Cannot reach the portal at /);
    });
  });
});
