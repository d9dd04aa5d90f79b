import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Commits are made by the portal, whatever the machine's git config says. */
const gitIdentity = {
  GIT_AUTHOR_NAME: 'Paved Road scaffolder',
  GIT_AUTHOR_EMAIL: 'scaffolder@paved-road.invalid',
  GIT_COMMITTER_NAME: 'Paved Road scaffolder',
  GIT_COMMITTER_EMAIL: 'scaffolder@paved-road.invalid',
};

async function git(args: string[], options: { cwd?: string } = {}) {
  const { stdout } = await run('git', args, {
    cwd: options.cwd,
    env: { ...process.env, ...gitIdentity, GIT_TERMINAL_PROMPT: '0' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}

async function gitOrUndefined(args: string[]) {
  try {
    return await git(args);
  } catch {
    return undefined;
  }
}

export interface LocalRepositoryPaths {
  /** The bare repository: what clones and ArgoCD read. */
  bare: string;
  /** A checkout of the default branch: what the catalog and TechDocs read. */
  checkout: string;
}

export function repositoryPaths(
  directory: string,
  name: string,
): LocalRepositoryPaths {
  return {
    bare: path.join(directory, `${name}.git`),
    checkout: path.join(directory, name),
  };
}

/** The tree hash of the branch in the bare repository, if it exists. */
export async function publishedTree(
  paths: LocalRepositoryPaths,
  branch: string,
): Promise<string | undefined> {
  if (!fs.existsSync(paths.bare)) {
    return undefined;
  }
  return gitOrUndefined([
    `--git-dir=${paths.bare}`,
    'rev-parse',
    '--verify',
    '--quiet',
    `refs/heads/${branch}^{tree}`,
  ]);
}

/**
 * Commits `sourceDir` in a scratch git directory (the workspace itself gets
 * no .git) and returns the scratch repo and the commit's tree hash, so the
 * caller can compare before pushing anything.
 */
export async function commitSource(
  sourceDir: string,
  message: string,
): Promise<{ gitDir: string; tree: string; cleanup(): void }> {
  const gitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-git-'));
  const cleanup = () => fs.rmSync(gitDir, { recursive: true, force: true });
  try {
    const base = [`--git-dir=${gitDir}`, `--work-tree=${sourceDir}`];
    await git(['init', '--quiet', `--separate-git-dir=${gitDir}`, sourceDir]);
    // `init` with a separate git dir leaves a .git file in the source.
    fs.rmSync(path.join(sourceDir, '.git'), { force: true });
    await git([...base, 'add', '--all']);
    await git([...base, 'commit', '--quiet', '--allow-empty', '-m', message]);
    const tree = await git([`--git-dir=${gitDir}`, 'rev-parse', 'HEAD^{tree}']);
    return { gitDir, tree, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/**
 * Pushes the commit to the bare repository (created when missing), prepares
 * it for clones over plain HTTP, and refreshes the checkout.
 */
export async function pushToLocal(
  gitDir: string,
  paths: LocalRepositoryPaths,
  branch: string,
): Promise<void> {
  if (!fs.existsSync(paths.bare)) {
    fs.mkdirSync(path.dirname(paths.bare), { recursive: true });
    await git(['init', '--quiet', '--bare', paths.bare]);
    await git([
      `--git-dir=${paths.bare}`,
      'symbolic-ref',
      'HEAD',
      `refs/heads/${branch}`,
    ]);
  }
  await git([
    `--git-dir=${gitDir}`,
    'push',
    '--quiet',
    '--force',
    paths.bare,
    `HEAD:refs/heads/${branch}`,
  ]);
  // Lets a "dumb HTTP" server (the dev stand-in) serve clones.
  await git([`--git-dir=${paths.bare}`, 'update-server-info']);
  await checkout(paths, branch);
}

/** A fresh checkout of the branch, for readers that need files on disk. */
export async function checkout(paths: LocalRepositoryPaths, branch: string) {
  fs.rmSync(paths.checkout, { recursive: true, force: true });
  fs.mkdirSync(paths.checkout, { recursive: true });
  await git([
    `--git-dir=${paths.bare}`,
    `--work-tree=${paths.checkout}`,
    'checkout',
    '--quiet',
    '--force',
    branch,
    '--',
    '.',
  ]);
}
