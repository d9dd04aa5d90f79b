import { Entity } from '@backstage/catalog-model';
import { NotModifiedError } from '@backstage/errors';
import {
  PreparerBase,
  PreparerOptions,
  PreparerResponse,
} from '@backstage/plugin-techdocs-node';
import { createHash, Hash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * TechDocs' `dir:` preparer with an etag for docs in a local directory
 * (entities registered from a `file` location). Upstream gives such docs an
 * empty etag, so every sync (each visit, at most once a minute per entity)
 * rebuilds the site and the reader then offers "A newer version of this
 * documentation is now available" for docs that did not change. With a hash
 * of the directory as etag, an unchanged directory is not rebuilt.
 */
export class DirectoryEtagPreparer implements PreparerBase {
  constructor(private readonly preparer: PreparerBase) {}

  shouldCleanPreparedDirectory(): boolean {
    return this.preparer.shouldCleanPreparedDirectory();
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
    return { preparedDir: prepared.preparedDir, etag };
  }
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
    // Version control data, dependencies and editor state are not the docs.
    if (entry.name.startsWith('.') || entry.name === 'node_modules') {
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
