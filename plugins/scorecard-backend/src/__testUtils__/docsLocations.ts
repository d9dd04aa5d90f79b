import fs from 'fs';
import os from 'os';
import path from 'path';

/** What TechDocs builds from: an mkdocs config and a docs folder's home page. */
export const DOCS_SITE = {
  'mkdocs.yml': 'site_name: Docs\nnav:\n  - Home: index.md\n',
  'docs/index.md': '# Docs\n',
};

/**
 * Temporary directories standing for where entities are registered from
 * (`file` locations), each holding the files a test gives it.
 */
export class DocsLocations {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'scorecard-docs-'));

  /** The `backstage.io/managed-by-location` of an entity registered from `name`. */
  location(name: string, files: Record<string, string>): string {
    const dir = path.join(this.root, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    return `file:${path.join(dir, 'catalog-info.yaml')}`;
  }

  remove() {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
