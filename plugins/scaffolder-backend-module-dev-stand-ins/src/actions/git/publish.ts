import path from 'node:path';
import { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  GIT_REVISION,
  REPO_PATH,
  ReservedNames,
  Zod,
  dns1123Label,
  matching,
  parseInput,
  stateFor,
} from '@internal/plugin-scaffolder-backend-module-platform';
import {
  commitSource,
  publishedTree,
  pushToLocal,
  repositoryPaths,
} from './localRepository';
import { examples } from './publish.examples';

const ACTION_ID = 'git:repository:publish';

/**
 * Where `git:repository:publish` puts repositories (pavedRoad.repositories).
 * Only the local target is handled here; with `type: github` the golden
 * paths use the upstream publish:github and catalog:register instead.
 */
export interface RepositoryTarget {
  type: 'local';
  /** Absolute directory of the bare repositories and their checkouts. */
  directory: string;
  /** Base URL clones use, e.g. the dev stand-in's http://localhost:7014/git. */
  cloneBaseUrl?: string;
}

export function readRepositoryTarget(
  config: Config,
): RepositoryTarget | undefined {
  const target = config.getOptionalConfig('pavedRoad.repositories');
  if (!target) {
    return undefined;
  }
  const type = target.getString('type');
  if (type === 'github') {
    return undefined;
  }
  if (type !== 'local') {
    throw new InputError(
      `pavedRoad.repositories.type must be "local" or "github", got "${type}"`,
    );
  }
  return {
    type,
    directory: path.resolve(target.getString('directory')),
    cloneBaseUrl: target.getOptionalString('cloneBaseUrl')?.replace(/\/+$/, ''),
  };
}

export const inputFields = {
  name: (z: Zod) =>
    dns1123Label(z, 'name').describe(
      'Repository name (RFC 1123 label), usually the service name.',
    ),
  description: (z: Zod) =>
    z.string().max(500).optional().describe('What the repository holds.'),
  defaultBranch: (z: Zod) =>
    matching(
      z,
      GIT_REVISION,
      'defaultBranch must be a branch name (letters, digits, ".", "_", "/", "-")',
    )
      .optional()
      .describe('Branch to publish to (default "main").'),
  sourcePath: (z: Zod) =>
    matching(
      z,
      REPO_PATH,
      'sourcePath must be relative inside the workspace, without ".."',
    )
      .optional()
      .describe('Directory of the workspace to publish (default ".").'),
};

/**
 * Publishes the task workspace as a git repository on the configured
 * target. The embedded default uses a local target: a bare repository under
 * a data folder (served over HTTP by the dev stand-in) plus a checkout the
 * catalog reads as a file location. Idempotent: a re-run with the same
 * content is "unchanged"; a repository of that name with other content is
 * refused rather than overwritten.
 */
export function createGitPublishAction(options: { config: Config }) {
  const target = readRepositoryTarget(options.config);
  // The repository's name becomes the service's namespace, app and role.
  const reserved = ReservedNames.fromConfig(options.config);

  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Publishes the workspace as a git repository on the target configured under pavedRoad.repositories (a local bare repository on the embedded default), and says where the catalog can read its catalog-info.yaml.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputFields,
      output: {
        remoteUrl: z => z.string().describe('URL to clone the repository'),
        browseUrl: z =>
          z.string().describe('Where people look at the repository'),
        catalogInfoTarget: z =>
          z
            .string()
            .describe(
              'Location of catalog-info.yaml for catalog:location:register',
            ),
        catalogInfoType: z =>
          z
            .enum(['url', 'file'])
            .describe('Location type of catalogInfoTarget'),
        state: z =>
          z
            .enum(['created', 'updated', 'unchanged'])
            .describe('What happened to the repository'),
      },
    },
    async handler(ctx) {
      const {
        name,
        defaultBranch = 'main',
        sourcePath = '.',
      } = parseInput(ACTION_ID, inputFields, ctx.input);
      reserved.assertAllowed(name, 'name');
      if (!target) {
        throw new InputError(
          'No local repository target is configured (pavedRoad.repositories.type: local in app-config); with GitHub, templates publish with publish:github.',
        );
      }
      const paths = repositoryPaths(target.directory, name);
      const sourceDir = path.resolve(ctx.workspacePath, sourcePath);
      if (!sourceDir.startsWith(path.resolve(ctx.workspacePath))) {
        throw new InputError('sourcePath must stay inside the workspace');
      }

      const existing = await publishedTree(paths, defaultBranch);
      const commit = await commitSource(
        sourceDir,
        `Initial commit of ${name} from the Paved Road golden path`,
      );
      const state = stateFor(existing, existing === commit.tree);
      try {
        if (state === 'updated') {
          throw new ConflictError(
            `Repository "${name}" already exists at ${paths.bare} with other content on branch "${defaultBranch}". Pick another name, or remove the old repository.`,
          );
        }
        ctx.logger.info(
          `${
            ctx.isDryRun ? 'Dry run: would leave' : 'Plan:'
          } repository "${name}" ${state}`,
        );
        if (!ctx.isDryRun && state === 'created') {
          await ctx.checkpoint({
            key: `git.repository.v1:local/${name}`,
            fn: async () => {
              await pushToLocal(commit.gitDir, paths, defaultBranch);
            },
          });
        }
      } finally {
        commit.cleanup();
      }

      const remoteUrl = target.cloneBaseUrl
        ? `${target.cloneBaseUrl}/${name}.git`
        : `file://${paths.bare}`;
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('browseUrl', remoteUrl);
      ctx.output(
        'catalogInfoTarget',
        path.join(paths.checkout, 'catalog-info.yaml'),
      );
      ctx.output('catalogInfoType', 'file');
      ctx.output('state', state);
    },
  });
}
