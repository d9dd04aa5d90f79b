import { Entity } from '@backstage/catalog-model';
import { PreparerBase } from '@backstage/plugin-techdocs-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DirectoryEtagPreparer } from './DirectoryEtagPreparer';

const entity = { metadata: { name: 'orders' } } as Entity;

function preparerOf(response: { preparedDir: string; etag: string }) {
  const inner: PreparerBase = {
    prepare: jest.fn(async () => response),
    shouldCleanPreparedDirectory: () => false,
  };
  return new DirectoryEtagPreparer(inner);
}

describe('DirectoryEtagPreparer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-etag-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives a local directory an etag that changes with its files only', async () => {
    fs.writeFileSync(path.join(dir, 'mkdocs.yml'), 'site_name: Orders\n');
    fs.mkdirSync(path.join(dir, 'docs'));
    fs.writeFileSync(path.join(dir, 'docs/index.md'), '# Orders\n');
    const preparer = preparerOf({ preparedDir: dir, etag: '' });

    const { etag } = await preparer.prepare(entity);
    expect(etag).toMatch(/^[0-9a-f]{64}$/);
    await expect(preparer.prepare(entity, { etag })).rejects.toMatchObject({
      name: 'NotModifiedError',
    });

    // Version control data is not the docs.
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
    await expect(preparer.prepare(entity, { etag })).rejects.toMatchObject({
      name: 'NotModifiedError',
    });

    fs.writeFileSync(path.join(dir, 'docs/index.md'), '# Orders, edited\n');
    const changed = await preparer.prepare(entity, { etag });
    expect(changed.etag).toMatch(/^[0-9a-f]{64}$/);
    expect(changed.etag).not.toBe(etag);
    // The generator builds a copy: what it rewrites there (mkdocs.yml) is
    // neither the source nor, on the next visit, a reason to rebuild.
    expect(changed.preparedDir).not.toBe(dir);
    expect(preparer.shouldCleanPreparedDirectory()).toBe(true);
    expect(
      fs.readFileSync(path.join(changed.preparedDir, 'docs/index.md'), 'utf8'),
    ).toBe('# Orders, edited\n');
    expect(fs.existsSync(path.join(changed.preparedDir, '.git'))).toBe(false);
    fs.writeFileSync(
      path.join(changed.preparedDir, 'mkdocs.yml'),
      'site_name: Orders\nplugins: []\n',
    );
    await expect(
      preparer.prepare(entity, { etag: changed.etag }),
    ).rejects.toMatchObject({ name: 'NotModifiedError' });
    fs.rmSync(changed.preparedDir, { recursive: true, force: true });
  });

  it("keeps the reader's etag for a tree read from a URL", async () => {
    const preparer = preparerOf({ preparedDir: dir, etag: 'commit-sha' });
    expect(await preparer.prepare(entity, { etag: 'older-sha' })).toEqual({
      preparedDir: dir,
      etag: 'commit-sha',
    });
  });
});
