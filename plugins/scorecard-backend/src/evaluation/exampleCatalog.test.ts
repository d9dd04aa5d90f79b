import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_CHECKS_FILE } from '../checks/CheckLoader';
import { parseChecksFile } from '../checks/parseChecksFile';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { GitHubFactSource } from '../facts/GitHubFactSource';
import { TechDocsFactSource } from '../facts/TechDocsFactSource';
import { Evaluator } from './Evaluator';

// The default checks against the repository's example organisation
// (catalog/README.md lists what is deliberately imperfect).
const catalogDir = path.resolve(__dirname, '../../../../catalog');

function loadCatalog(): Entity[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (/\.ya?ml$/.test(entry.name) && entry.name !== 'mkdocs.yml') {
        files.push(full);
      }
    }
  };
  walk(catalogDir);
  return files
    .flatMap(f =>
      parseAllDocuments(fs.readFileSync(f, 'utf8')).map(d => ({
        file: f,
        entity: d.toJS() as Entity,
      })),
    )
    .filter(({ entity: e }) => e?.kind && e.kind !== 'Location')
    .map(({ file, entity: e }) => ({
      ...e,
      metadata: {
        namespace: 'default',
        ...e.metadata,
        // As the catalog records it: where TechDocs resolves `dir:` from.
        annotations: {
          ...e.metadata.annotations,
          'backstage.io/managed-by-location': `file:${file}`,
        },
      },
    }));
}

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('default checks on the example catalog', () => {
  it('flags exactly what catalog/README.md says is imperfect', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseScorecardStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
    const logger = mockServices.logger.mock();
    const evaluator = new Evaluator({
      catalog: catalogServiceMock({ entities: loadCatalog() }),
      auth: mockServices.auth(),
      store,
      getChecks: () => ({
        ...parseChecksFile(
          fs.readFileSync(DEFAULT_CHECKS_FILE, 'utf8'),
          DEFAULT_CHECKS_FILE,
        ),
        hash: 'x',
      }),
      sources: {
        github: new GitHubFactSource({ logger }),
        // The docs sources in catalog/ as they are; no TechDocs backend
        // runs, so whether a site is built is unknown and does not matter.
        techdocs: new TechDocsFactSource({
          reader: mockServices.urlReader.mock(),
          integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
          discovery: {
            getBaseUrl: async () => {
              throw new Error('TechDocs is not running');
            },
            getExternalBaseUrl: async () => '',
          },
          auth: mockServices.auth(),
          logger,
        }),
      },
      logger,
      staleAfterMs: 86_400_000,
      now: () => new Date('2026-11-25T12:00:00Z'),
    });
    const summary = await evaluator.evaluateAll();
    expect(summary.evaluated).toBe(11);

    const failing: string[] = [];
    const { items } = await store.listEntityScores({
      orderBy: 'name',
      order: 'asc',
      limit: 100,
      offset: 0,
    });
    for (const item of items) {
      for (const result of await store.getCheckResults(item.entityRef)) {
        if (result.state === 'fail' || result.state === 'warn') {
          failing.push(`${item.name} ${result.checkId} ${result.state}`);
        }
      }
      // GitHub is not configured here: CI is never a pass or a fail.
      const ci = (await store.getCheckResults(item.entityRef)).find(
        r => r.checkId === 'ci-passing',
      );
      expect(ci?.state).toBe('no_data');
    }
    expect(failing.sort()).toEqual([
      'checkout-service has-monitoring fail',
      'inventory-service has-backups fail',
      'inventory-service has-techdocs fail',
      'notifications-worker has-cost-tags warn',
      'notifications-worker has-oncall fail',
    ]);
    expect(
      (await store.getCheckResults('component:default/freight-common'))
        .filter(r => r.state === 'not_applicable')
        .map(r => r.checkId),
    ).toEqual(['has-backups', 'has-monitoring', 'has-oncall']);
  });
});
