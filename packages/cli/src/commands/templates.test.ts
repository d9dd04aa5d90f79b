import fs from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../exitCodes';
import { platform, templatesCheck } from '../__testUtils__/platform';
import {
  PortalDouble,
  closedPortUrl,
  startPortalDouble,
} from '../__testUtils__/portalDouble';
import { actionsFixture, rendered } from '../__testUtils__/scaffolderAnswers';
import {
  MINI_CHECK,
  MINI_TEMPLATE,
  goodRepository,
  templatesRepo,
} from '../templates/__testUtils__/fixtures';

describe('platform templates', () => {
  let double: PortalDouble;
  const originalCwd = process.cwd();
  let root: string | undefined;

  // Two entities a page, to follow the catalog's cursor; `--token t` as a static token.
  const start = () => startPortalDouble({ tokens: ['t'], pageSize: 2 });

  beforeEach(async () => {
    double = await start();
  });
  afterEach(async () => {
    process.chdir(originalCwd);
    await double.close();
    if (root) {
      fs.rmSync(root, { recursive: true, force: true });
      root = undefined;
    }
  });

  /** The static token the double accepts. */
  const token = ['--token', 't'];
  /** `platform templates check <args…>`, without a token (a guest). */
  const check = (...args: string[]) =>
    platform(double.url, ...templatesCheck(...args));
  /** `platform templates check <paths…>` with a static token. */
  const checkWithToken = (...paths: string[]) =>
    platform(double.url, ...token, ...templatesCheck(...paths));

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
      double.entities = [
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

      const result = await platform(double.url, 'templates', 'list');

      expect(result.code).toBe(ExitCode.Ok);
      expect(result.out.split('\n')).toEqual([
        'NAME            TYPE         TITLE',
        'go-service      service      Go service',
        'team-namespace  namespace    Namespace for a team',
        'labs/preview    environment  Preview environment',
      ]);
      const pages = double.calls('GET', '/api/catalog/entities/by-query');
      expect(pages.map(p => p.query.has('cursor'))).toEqual([false, true]);
      expect(pages[0].query.get('filter')).toBe('kind=template');
      expect(pages[1].query.get('filter')).toBeNull();
      expect(pages[0].authorization).toBe(`Bearer ${double.guestToken}`);
    });
  });

  describe('check', () => {
    beforeEach(() => {
      double.answer('POST /api/scaffolder/v2/dry-run', ({ body }) =>
        rendered(goodRepository(body.values.name, body.values.owner)),
      );
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

      const result = await checkWithToken();

      expect(result.code).toBe(ExitCode.Ok);
      expect(result.out.split('\n')).toEqual([
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

      const result = await checkWithToken(
        'templates/broken',
        'templates/mini-service/template.yaml',
      );

      expect(result.code).toBe(ExitCode.Failed);
      expect(result.out.split('\n')).toEqual([
        '✗ mini-service (templates/broken)',
        'templates/broken/template.yaml:30: template "mini-service", step "log": unknown action "debug:lgo": the portal has no such action (did you mean "debug:log"?)',
        '✓ mini-service (templates/mini-service)',
        '',
        '2 templates checked: 1 passed, 1 failed (1 problem)',
      ]);
      expect(result.err).toBe('');
    });

    it('exits 2 on a path that does not exist or holds no template, before asking the portal anything', async () => {
      const repo = inRepository({ 'mini-service': mini });
      fs.mkdirSync(path.join(repo, 'templates/empty'));
      fs.writeFileSync(path.join(repo, 'notes.yaml'), 'kind: Component\n');

      const result = await check(
        'templates/mini-service',
        'templates/nope',
        'templates/empty',
        'notes.yaml',
      );

      expect(result).toEqual({
        code: ExitCode.BadInput,
        out: '',
        err: 'platform: templates/nope: no such file or folder\ntemplates/empty: holds no template.yaml\nnotes.yaml: not a scaffolder template (no kind: Template)',
      });
      expect(double.requests).toEqual([]);
    });

    it('exits 2 where there is no templates/ folder to default to', async () => {
      root = templatesRepo({});
      fs.rmSync(path.join(root, 'templates'), { recursive: true, force: true });
      process.chdir(root);

      const result = await check();

      expect(result.code).toBe(ExitCode.BadInput);
      expect(result.err).toMatch(
        /^platform: No templates\/ folder here or above /,
      );
    });

    it('--offline lints without the portal', async () => {
      inRepository({ 'mini-service': mini, broken: brokenMini });
      await double.close();

      const result = await check('--offline');

      expect(result.code).toBe(ExitCode.Ok);
      expect(result.out.split('\n')).toEqual([
        '✓ mini-service (templates/broken) — lint only',
        '✓ mini-service (templates/mini-service) — lint only',
        '',
        '2 templates checked offline (lint only, without the actions): 2 passed, 0 failed',
      ]);
      // Started again so that afterEach can close it.
      double = await start();
    });

    it('--offline --actions checks actions and inputs from a saved action list', async () => {
      const repo = inRepository({ broken: brokenMini });
      const actions = path.join(repo, 'actions.json');
      fs.writeFileSync(actions, JSON.stringify(actionsFixture));

      const result = await check('--offline', '--actions', actions);

      expect(result.code).toBe(ExitCode.Failed);
      expect(result.out.split('\n')[1]).toBe(
        'templates/broken/template.yaml:30: template "mini-service", step "log": unknown action "debug:lgo": the portal has no such action (did you mean "debug:log"?)',
      );
      expect(double.requests).toEqual([]);
    });

    it('exits 3 when the portal cannot be reached', async () => {
      inRepository({ 'mini-service': mini });

      const result = await platform(
        await closedPortUrl(),
        ...token,
        ...templatesCheck(),
      );

      expect(result.code).toBe(ExitCode.Unreachable);
      expect(result.err).toMatch(/^platform: Cannot reach the portal at /);
    });
  });
});
