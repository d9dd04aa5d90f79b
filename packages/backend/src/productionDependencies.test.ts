/*
 * What production installs: the backend's `dependencies`, and through them
 * every workspace package the production bundle carries. Test doubles and
 * the embedded default's stand-ins must not be among them; the backend
 * imports those only on the embedded default (src/modules/devStandIns.ts).
 */
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');

interface Manifest {
  name: string;
  bundled?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Every workspace package (root package.json `workspaces`: dir/*), by name. */
function workspacePackages(): Map<string, Manifest> {
  const globs: string[] = readJson(
    path.join(repoRoot, 'package.json'),
  ).workspaces;
  const manifests = globs.flatMap(glob => {
    const parent = path.join(repoRoot, glob.replace(/\/\*$/, ''));
    return fs
      .readdirSync(parent)
      .map(dir => path.join(parent, dir, 'package.json'))
      .filter(file => fs.existsSync(file))
      .map(file => readJson(file) as Manifest);
  });
  return new Map(manifests.map(m => [m.name, m]));
}

/** The packages a production install of `manifest` installs by name. */
const productionDeps = (manifest: Manifest) =>
  Object.keys({
    ...manifest.dependencies,
    ...manifest.optionalDependencies,
  });

/**
 * The workspace packages in the production bundle, each with the chain that
 * pulls it in. As `backstage-cli package build` collects them for
 * dist/bundle.tar.gz and skeleton.tar.gz: `dependencies` and
 * `optionalDependencies`, not `devDependencies`, and nothing below a
 * `bundled` package (the app, whose dependencies are built into it).
 */
function productionWorkspaceTree(
  packages: Map<string, Manifest>,
): Map<string, string[]> {
  const chains = new Map<string, string[]>([['backend', ['backend']]]);
  const queue = ['backend'];
  while (queue.length) {
    const name = queue.shift()!;
    const manifest = packages.get(name)!;
    if (manifest.bundled) {
      continue;
    }
    for (const dep of productionDeps(manifest)) {
      if (packages.has(dep) && !chains.has(dep)) {
        chains.set(dep, [...chains.get(name)!, dep]);
        queue.push(dep);
      }
    }
  }
  return chains;
}

/** Workspace packages that exist for tests and the embedded default only. */
const DEV_ONLY_WORKSPACE_PACKAGES = [
  '@internal/platform-api-doubles',
  '@internal/plugin-scaffolder-backend-module-dev-stand-ins',
];

/** Third-party packages made for tests, whoever depends on them. */
const TEST_PACKAGE =
  /^(jest|msw|nock|supertest|playwright(-core)?)$|test-utils|testing-library/;

describe('the production dependency tree', () => {
  const packages = workspacePackages();
  const tree = productionWorkspaceTree(packages);

  it('is what the backend package.json says (sanity check of the walk)', () => {
    expect(
      tree.has('@internal/plugin-scaffolder-backend-module-platform'),
    ).toBe(true);
    expect(tree.has('@internal/plugin-dora-backend')).toBe(true);
  });

  it('holds no test double and no stand-in', () => {
    const found = DEV_ONLY_WORKSPACE_PACKAGES.filter(name =>
      tree.has(name),
    ).map(name => tree.get(name)!.join(' -> '));
    expect(found).toEqual([]);
  });

  it('holds no package made for tests', () => {
    const found = [...tree.keys()].flatMap(name =>
      productionDeps(packages.get(name)!)
        .filter(dep => TEST_PACKAGE.test(dep))
        .map(dep => `${tree.get(name)!.join(' -> ')} -> ${dep}`),
    );
    expect(found).toEqual([]);
  });

  it('leaves the stand-ins and the doubles to the checkout: devDependencies of the backend', () => {
    const backend = packages.get('backend')!;
    for (const name of DEV_ONLY_WORKSPACE_PACKAGES) {
      expect(backend.devDependencies).toHaveProperty([name]);
    }
  });

  it('is all the image installs: the skeleton and bundle, without devDependencies', () => {
    const dockerfile = fs.readFileSync(
      path.join(repoRoot, 'Dockerfile'),
      'utf8',
    );
    expect(dockerfile).toMatch(
      /^RUN .*\\\n\s*yarn workspaces focus --all --production\b/m,
    );
    const copied = [...dockerfile.matchAll(/^COPY .*$/gm)].map(m => m[0]);
    expect(copied.filter(line => /packages\/|plugins\//.test(line))).toEqual([
      expect.stringContaining('packages/backend/dist/skeleton.tar.gz'),
      expect.stringContaining('packages/backend/dist/bundle.tar.gz'),
    ]);
  });
});
