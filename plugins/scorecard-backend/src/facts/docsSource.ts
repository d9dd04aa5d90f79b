import {
  resolveSafeChildPath,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { getLocationForEntity } from '@backstage/plugin-techdocs-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';

/** What an entity's TechDocs source location holds. */
export type DocsSourceInspection =
  /** An mkdocs config and the home page of its docs folder are there. */
  | { buildable: true; config: string; docsDir: string }
  /** Definitely not buildable; `why` says what is missing. */
  | { buildable: false; why: string }
  /** The location could not be read (network, rate limit, 5xx, I/O). */
  | { unavailable: string };

/** Reads one file of a docs location; undefined when it does not exist. */
type ReadFile = (relativePath: string) => Promise<string | undefined>;

const CONFIG_NAMES = ['mkdocs.yml', 'mkdocs.yaml'];
const HOME_PAGES = ['index.md', 'README.md'];

/**
 * Looks where `backstage.io/techdocs-ref` points, resolved the way TechDocs
 * resolves it (`dir:` relative to the entity's source location), for what
 * a build needs: an mkdocs config and a docs folder with a home page.
 * Local directories (entities from `file` locations) are read from disk,
 * as TechDocs does; anything else through the UrlReader.
 */
export async function inspectDocsSource(
  entity: Entity,
  options: { reader: UrlReaderService; integrations: ScmIntegrationRegistry },
): Promise<DocsSourceInspection> {
  let location: { type: string; target: string };
  try {
    location = getLocationForEntity(entity, options.integrations);
  } catch (error) {
    return {
      buildable: false,
      why: `backstage.io/techdocs-ref cannot be resolved: ${
        (error as Error).message
      }`,
    };
  }
  const { target } = location;
  const read =
    location.type === 'dir'
      ? readFromDirectory(target)
      : readFromUrl(target, options);
  try {
    return await inspect(read, target);
  } catch (error) {
    const { name, message } = error as Error;
    if (name === 'NotAllowedError') {
      // The portal may not read there (no integration for the host, a path
      // outside the directory): TechDocs cannot build it either.
      return { buildable: false, why: `${target} cannot be read: ${message}` };
    }
    return { unavailable: `docs location ${target} unreadable: ${message}` };
  }
}

async function inspect(
  read: ReadFile,
  where: string,
): Promise<DocsSourceInspection> {
  let config: string | undefined;
  let content: string | undefined;
  for (const name of CONFIG_NAMES) {
    content = await read(name);
    if (content !== undefined) {
      config = name;
      break;
    }
  }
  if (config === undefined || content === undefined) {
    return {
      buildable: false,
      why: `no mkdocs.yml or mkdocs.yaml in ${where}`,
    };
  }
  const docsDir = readDocsDir(content);
  if ('why' in docsDir) {
    return { buildable: false, why: `${config} in ${where}: ${docsDir.why}` };
  }
  for (const page of HOME_PAGES) {
    if ((await read(`${docsDir.dir}/${page}`)) !== undefined) {
      return { buildable: true, config, docsDir: docsDir.dir };
    }
  }
  return {
    buildable: false,
    why: `${config} is in ${where} but no ${docsDir.dir}/index.md (or ${docsDir.dir}/README.md)`,
  };
}

/** The config's `docs_dir` (default `docs`), which must stay inside the location. */
function readDocsDir(content: string): { dir: string } | { why: string } {
  // mkdocs configs carry Python tags (!!python/name:…) that YAML libraries
  // do not know; they only matter to mkdocs, so they are left unresolved.
  let value: unknown;
  try {
    const document = parseDocument(content, { logLevel: 'silent' });
    if (document.errors.length > 0) {
      throw document.errors[0];
    }
    value = (document.toJS() as { docs_dir?: unknown } | null)?.docs_dir;
  } catch (error) {
    return { why: `not valid YAML: ${(error as Error).message}` };
  }
  if (value === undefined || value === null) {
    return { dir: 'docs' };
  }
  const dir = path.posix.normalize(String(value)).replace(/\/+$/, '');
  if (
    !dir ||
    dir === '.' ||
    dir === '..' ||
    dir.startsWith('../') ||
    path.posix.isAbsolute(dir)
  ) {
    return { why: `docs_dir '${value}' is not a folder inside it` };
  }
  return { dir };
}

function readFromDirectory(dir: string): ReadFile {
  return async relativePath => {
    try {
      return await fs.readFile(resolveSafeChildPath(dir, relativePath), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
        return undefined;
      }
      throw error;
    }
  };
}

function readFromUrl(
  url: string,
  options: { reader: UrlReaderService; integrations: ScmIntegrationRegistry },
): ReadFile {
  // Relative paths resolve against a folder only with a trailing slash.
  const base = url.endsWith('/') ? url : `${url}/`;
  return async relativePath => {
    try {
      const response = await options.reader.readUrl(
        options.integrations.resolveUrl({ url: relativePath, base }),
      );
      return (await response.buffer()).toString('utf8');
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') {
        return undefined;
      }
      throw error;
    }
  };
}
