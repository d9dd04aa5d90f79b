/*
 * Every example component that declares TechDocs has docs that really build
 * with the generator the portal uses (Debian's mkdocs, no techdocs-core), so
 * its Docs tab shows a page rather than a build error.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { repoRoot } from './e2e/harness';

const componentsDir = path.join(repoRoot, 'catalog/components');

const withDocs = fs
  .readdirSync(componentsDir)
  .map(name => path.join(componentsDir, name))
  .filter(dir => {
    const entity = yaml.parse(
      fs.readFileSync(path.join(dir, 'catalog-info.yaml'), 'utf8'),
    );
    return Boolean(entity.metadata.annotations?.['backstage.io/techdocs-ref']);
  });

describe('example TechDocs', () => {
  it('covers most example components', () => {
    expect(withDocs.length).toBeGreaterThanOrEqual(8);
  });

  it.each(withDocs.map(dir => [path.basename(dir), dir]))(
    '%s builds with mkdocs --strict',
    (_name, dir) => {
      const site = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-docs-'));
      try {
        execFileSync('mkdocs', ['build', '--strict', '--site-dir', site], {
          cwd: dir,
          stdio: 'pipe',
        });
        expect(fs.existsSync(path.join(site, 'index.html'))).toBe(true);
      } finally {
        fs.rmSync(site, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
