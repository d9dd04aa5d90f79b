import { Entity } from '@backstage/catalog-model';
import { NotModifiedError } from '@backstage/errors';
import {
  PreparerBase,
  PreparerOptions,
  PreparerResponse,
} from '@backstage/plugin-techdocs-node';
import { createHash, Hash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * TechDocs' `dir:` preparer with an etag for docs in a local directory
 * (entities registered from a `file` location). Upstream gives such docs an
 * empty etag, so every sync (each visit, at most once a minute per entity)
 * rebuilds the site and the reader then offers "A newer version of this
 * documentation is now available" for docs that did not change. With a hash
 * of the directory as etag, an unchanged directory is not rebuilt.
 *
 * The generator rewrites mkdocs.yml in the directory it builds (it sanitises
 * it and adds plugins): given the source directory, it would change the
 * checked-in file and with it the hash, so the next visit rebuilt the site
 * once more. It gets a copy instead, removed after the build.
 */
export class DirectoryEtagPreparer implements PreparerBase {
  constructor(private readonly preparer: PreparerBase) {}

  shouldCleanPreparedDirectory(): boolean {
    // A copy of a local directory, or a tree read from a URL into a
    // temporary directory: neither is anyone's source.
    return true;
  }

  async prepare(
    entity: Entity,
    options?: PreparerOptions,
  ): Promise<PreparerResponse> {
    const prepared = await this.preparer.prepare(entity, options);
    if (prepared.etag) {
      // Read from a URL: the reader's etag already says what changed.
      return prepared;
    }
    const etag = await hashDirectory(prepared.preparedDir);
    if (options?.etag === etag) {
      throw new NotModifiedError(`${prepared.preparedDir} is unchanged`);
    }
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'techdocs-source-'));
    await fs.cp(prepared.preparedDir, copy, {
      recursive: true,
      filter: source => !isIgnored(path.basename(source)),
    });
    return { preparedDir: copy, etag };
  }
}

/** Version control data, dependencies and editor state are not the docs. */
function isIgnored(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/** SHA-256 over every file's relative path and content, in name order. */
export async function hashDirectory(root: string): Promise<string> {
  const hash = createHash('sha256');
  await hashInto(hash, root, root);
  return hash.digest('hex');
}

async function hashInto(hash: Hash, root: string, dir: string) {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (isIgnored(entry.name)) {
      continue;
    }
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await hashInto(hash, root, full);
    } else if (entry.isFile()) {
      const content = await fs.readFile(full);
      hash.update(`${path.relative(root, full)}\0${content.length}\0`);
      hash.update(content);
    }
  }
}
