import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import express from 'express';
import fs from 'fs';
import http from 'http';
import { AddressInfo } from 'net';
import { DEFAULT_CHECKS_FILE } from '../checks/CheckLoader';
import { parseChecksFile } from '../checks/parseChecksFile';
import { EntityFacts, evaluateEntity } from '../evaluation/evaluateEntity';
import { DOCS_SITE, DocsLocations } from '../__testUtils__/docsLocations';
import { collectCatalogFacts } from './catalogFacts';
import { TechDocsFactSource } from './TechDocsFactSource';

const { checks } = parseChecksFile(
  fs.readFileSync(DEFAULT_CHECKS_FILE, 'utf8'),
  DEFAULT_CHECKS_FILE,
);
const hasTechdocs = checks.find(c => c.id === 'has-techdocs')!;

// The entity's catalog-info.yaml, and the folder TechDocs resolves `dir:.` to.
const REMOTE_FILE =
  'https://github.com/acme-freight/remote/blob/main/catalog-info.yaml';
const REMOTE = 'https://github.com/acme-freight/remote/tree/main';

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

describe('TechDocsFactSource and the has-techdocs check', () => {
  const locations = new DocsLocations();
  const remoteFiles: Record<string, string> = {
    [`${REMOTE}/mkdocs.yml`]: DOCS_SITE['mkdocs.yml'],
    [`${REMOTE}/docs/index.md`]: DOCS_SITE['docs/index.md'],
  };
  const reader = mockServices.urlReader.mock({
    readUrl: async url => {
      if (url.includes('unreadable')) {
        throw new Error('503 Service Unavailable');
      }
      if (!(url in remoteFiles)) {
        throw new NotFoundError(`${url} not found`);
      }
      return { buffer: async () => Buffer.from(remoteFiles[url]) };
    },
  });
  let techdocs: http.Server;
  let techdocsUrl: string;

  beforeAll(async () => {
    // TechDocs has published the site of `built` only.
    const app = express();
    app.get('/metadata/techdocs/:namespace/:kind/:name', (req, res) => {
      if (req.params.name === 'built') {
        res.json({ build_timestamp: 1764000000000 });
      } else {
        res.status(404).json({});
      }
    });
    techdocs = http.createServer(app);
    await new Promise<void>(r => techdocs.listen(0, '127.0.0.1', r));
    techdocsUrl = `http://127.0.0.1:${
      (techdocs.address() as AddressInfo).port
    }`;
  });
  afterAll(() => {
    techdocs.close();
    locations.remove();
  });

  async function evaluate(
    entity: Entity,
    options: { techdocsUrl?: string; check?: typeof hasTechdocs } = {},
  ) {
    const now = new Date();
    const source = new TechDocsFactSource({
      reader,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      discovery: {
        getBaseUrl: async () => options.techdocsUrl ?? techdocsUrl,
        getExternalBaseUrl: async () => '',
      },
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      timeoutMs: 2000,
    });
    const facts = new EntityFacts(
      {
        catalog: collectCatalogFacts(
          entity,
          { ownerRefs: new Set(), dependencies: new Map() },
          now,
        ),
        techdocs: await source.collect(entity),
      },
      now,
      60_000,
    );
    const [result] = evaluateEntity({
      entity,
      checks: [options.check ?? hasTechdocs],
      facts,
      now,
    });
    return result;
  }

  const withRef = (location: string) => ({
    'backstage.io/techdocs-ref': 'dir:.',
    'backstage.io/managed-by-location': location,
  });

  it('passes when the source location holds mkdocs.yml and docs/', async () => {
    const result = await evaluate(
      component('fresh', withRef(locations.location('fresh', DOCS_SITE))),
    );
    // Never built (TechDocs answers 404), but there to be read.
    expect(result).toMatchObject({
      state: 'pass',
      factValues: { 'techdocs.buildable': true },
    });
  });

  it('fails, saying what is missing, with the annotation but no mkdocs.yml', async () => {
    const location = locations.location('no-config', {
      'docs/index.md': '# Docs\n',
    });
    const result = await evaluate(component('no-config', withRef(location)));
    expect(result.state).toBe('fail');
    expect(result.reason).toContain(
      `techdocs: no mkdocs.yml or mkdocs.yaml in ${locations.root}/no-config`,
    );
  });

  it.each([
    [
      'no home page',
      { 'mkdocs.yml': 'site_name: X\n', 'docs/guide.md': '# Guide\n' },
      'mkdocs.yml is in',
      'but no docs/index.md (or docs/README.md)',
    ],
    [
      'docs_dir outside',
      { 'mkdocs.yml': 'site_name: X\ndocs_dir: ../elsewhere\n' },
      'mkdocs.yml in',
      "docs_dir '../elsewhere' is not a folder inside it",
    ],
  ])('fails on %s', async (name, files, where, why) => {
    const result = await evaluate(
      component('x', withRef(locations.location(name, files))),
    );
    expect(result.state).toBe('fail');
    expect(result.reason).toContain(where);
    expect(result.reason).toContain(why);
  });

  it('follows docs_dir and accepts mkdocs.yaml with a README.md home page', async () => {
    const location = locations.location('custom', {
      'mkdocs.yaml':
        'site_name: X\ndocs_dir: handbook\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n',
      'handbook/README.md': '# Handbook\n',
    });
    const result = await evaluate(component('custom', withRef(location)));
    expect(result.state).toBe('pass');
  });

  it('fails without the annotation, as before, reading nothing', async () => {
    reader.readUrl.mockClear();
    const result = await evaluate(component('bare', {}));
    expect(result.state).toBe('fail');
    expect(result.reason).toContain(
      "annotations has no 'backstage.io/techdocs-ref'",
    );
    expect(reader.readUrl).not.toHaveBeenCalled();
  });

  it('fails when the reference leaves the entity location', async () => {
    const result = await evaluate(
      component('escape', {
        'backstage.io/techdocs-ref': 'dir:../../..',
        'backstage.io/managed-by-location': locations.location('escape', {}),
      }),
    );
    expect(result.state).toBe('fail');
    expect(result.reason).toContain(
      'backstage.io/techdocs-ref cannot be resolved',
    );
  });

  it('reads a source registered from a URL through the UrlReader', async () => {
    const result = await evaluate(
      component('remote', withRef(`url:${REMOTE_FILE}`)),
    );
    expect(result.state).toBe('pass');
    expect(reader.readUrl).toHaveBeenCalledWith(`${REMOTE}/mkdocs.yml`);
  });

  it('has no data when the source cannot be read', async () => {
    const result = await evaluate(
      component(
        'remote',
        withRef(
          'url:https://github.com/acme-freight/unreadable/blob/main/catalog-info.yaml',
        ),
      ),
    );
    expect(result.state).toBe('no_data');
    expect(result.reason).toContain('503 Service Unavailable');
  });

  it('keeps whether the site is built as a fact of its own, unknown when TechDocs is unreachable', async () => {
    const location = locations.location('built', DOCS_SITE);
    const isBuilt = {
      ...hasTechdocs,
      condition: { fact: 'techdocs.built', equals: true },
    };
    expect(
      await evaluate(component('built', withRef(location)), { check: isBuilt }),
    ).toMatchObject({ state: 'pass' });

    const unreachable = 'http://127.0.0.1:1';
    const built = await evaluate(component('built', withRef(location)), {
      check: isBuilt,
      techdocsUrl: unreachable,
    });
    expect(built.state).toBe('no_data');
    expect(built.reason).toContain('TechDocs is unreachable');
    // The docs themselves are still there.
    expect(
      await evaluate(component('built', withRef(location)), {
        techdocsUrl: unreachable,
      }),
    ).toMatchObject({ state: 'pass' });
  });
});
