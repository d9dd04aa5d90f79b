import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { checkpointStore } from '../../__testUtils__/checkpoints';
import { actionContext, outputsOf } from '../../__testUtils__/actionContext';
import { expectExamplesWork } from '../../__testUtils__/examples';
import { createGitPublishAction, inputFields } from './publish';
import { examples } from './publish.examples';

describe('git:repository:publish (local target)', () => {
  let root: string;
  let repositories: string;
  let workspace: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-publish-'));
    repositories = path.join(root, 'repositories');
    workspace = path.join(root, 'workspace');
    fs.mkdirSync(path.join(workspace, 'docs'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, 'catalog-info.yaml'),
      'kind: Component\n',
    );
    fs.writeFileSync(path.join(workspace, 'docs/index.md'), '# Hello\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const makeAction = () =>
    createGitPublishAction({
      config: new ConfigReader({
        pavedRoad: {
          repositories: {
            type: 'local',
            directory: repositories,
            cloneBaseUrl: 'http://localhost:7014/git/',
          },
        },
      }),
    });

  function context(input: Record<string, unknown>, extra = {}) {
    return { ...actionContext(input, extra), workspacePath: workspace };
  }

  const head = () =>
    execFileSync('git', [
      `--git-dir=${path.join(repositories, 'orders-api.git')}`,
      'rev-parse',
      'refs/heads/main',
    ])
      .toString()
      .trim();

  it('creates a bare repository that clones to the workspace content, and a checkout for the catalog', async () => {
    const ctx = context({ name: 'orders-api' });
    await makeAction().handler(ctx);

    const clone = path.join(root, 'clone');
    execFileSync('git', [
      'clone',
      '--quiet',
      path.join(repositories, 'orders-api.git'),
      clone,
    ]);
    expect(fs.readFileSync(path.join(clone, 'docs/index.md'), 'utf8')).toBe(
      '# Hello\n',
    );
    // The workspace itself gets no .git.
    expect(fs.existsSync(path.join(workspace, '.git'))).toBe(false);
    // Prepared for clones over plain HTTP.
    expect(
      fs.existsSync(path.join(repositories, 'orders-api.git/info/refs')),
    ).toBe(true);
    expect(outputsOf(ctx)).toEqual({
      remoteUrl: 'http://localhost:7014/git/orders-api.git',
      browseUrl: 'http://localhost:7014/git/orders-api.git',
      catalogInfoTarget: path.join(
        repositories,
        'orders-api/catalog-info.yaml',
      ),
      catalogInfoType: 'file',
      state: 'created',
    });
    expect(
      fs.existsSync(path.join(repositories, 'orders-api/catalog-info.yaml')),
    ).toBe(true);
  });

  it('reports unchanged and pushes nothing when re-run with the same content', async () => {
    await makeAction().handler(context({ name: 'orders-api' }));
    const before = head();

    const ctx = context({ name: 'orders-api' });
    await makeAction().handler(ctx);

    expect(head()).toBe(before);
    expect(outputsOf(ctx).state).toBe('unchanged');
  });

  it('refuses to overwrite a repository of the same name with other content', async () => {
    await makeAction().handler(context({ name: 'orders-api' }));
    const before = head();
    fs.writeFileSync(path.join(workspace, 'docs/index.md'), '# Other\n');

    await expect(
      makeAction().handler(context({ name: 'orders-api' })),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'Repository "orders-api" already exists',
      ),
    });
    expect(head()).toBe(before);
  });

  it('writes nothing in a dry run', async () => {
    const ctx = context({ name: 'orders-api' }, { isDryRun: true });
    await makeAction().handler(ctx);

    expect(fs.existsSync(repositories)).toBe(false);
    expect(outputsOf(ctx).state).toBe('created');
  });

  it('replays a completed push from its checkpoint', async () => {
    const store = checkpointStore({
      'git.repository.v1:local/orders-api': null,
    });
    await makeAction().handler(
      context({ name: 'orders-api' }, { checkpoint: store.checkpoint }),
    );

    expect(store.replayed).toEqual(['git.repository.v1:local/orders-api']);
    expect(fs.existsSync(repositories)).toBe(false);
  });

  it.each([
    [{ name: 'Orders_API' }, 'name: name must be 1-63 lowercase letters'],
    [{ name: 'kube-system' }, 'name "kube-system" is reserved'],
    [{ name: 'cert-manager' }, 'name "cert-manager" is reserved'],
    [
      { name: 'orders-api', sourcePath: '../etc' },
      'sourcePath must be relative',
    ],
    [
      { name: 'orders-api', defaultBranch: 'main;rm' },
      'defaultBranch must be a branch name',
    ],
  ])('refuses %j', async (input, message) => {
    const action = makeAction();
    await expect(action.handler(context(input))).rejects.toThrow(message);
    expect(fs.existsSync(repositories)).toBe(false);
  });

  it('says when no target is configured', async () => {
    const action = createGitPublishAction({ config: new ConfigReader({}) });
    await expect(
      action.handler(context({ name: 'orders-api' })),
    ).rejects.toThrow('No local repository target is configured');
  });

  it('documents itself with examples that pass its input checks and a dry run', async () => {
    await expectExamplesWork({
      examples,
      fields: inputFields,
      action: makeAction(),
      values: {
        'parameters.name': 'orders-api',
        'parameters.description': 'Takes and tracks orders',
      },
      dryRun: true,
      context,
    });
  });
});
