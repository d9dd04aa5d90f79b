import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import fs from 'fs';
import { AddressInfo } from 'net';
import http from 'http';
import { DEFAULT_CHECKS_FILE } from '../checks/CheckLoader';
import { parseChecksFile } from '../checks/parseChecksFile';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { GitHubFactSource } from '../facts/GitHubFactSource';
import { TechDocsFactSource } from '../facts/TechDocsFactSource';
import { DOCS_SITE, DocsLocations } from '../__testUtils__/docsLocations';
import { Evaluator } from './Evaluator';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

// Where the components are registered from: with TechDocs sources, or none.
const locations = new DocsLocations();
afterAll(() => locations.remove());
const WITH_DOCS = locations.location('with-docs', DOCS_SITE);
const WITHOUT_DOCS = locations.location('without-docs', {});

const defaultSet = {
  ...parseChecksFile(
    fs.readFileSync(DEFAULT_CHECKS_FILE, 'utf8'),
    DEFAULT_CHECKS_FILE,
  ),
  hash: 'default',
};

function component(
  name: string,
  options: {
    type?: string;
    owner?: string;
    annotations?: Record<string, string>;
    links?: Array<{ title: string; url: string }>;
    dependsOn?: string[];
    location?: string;
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': options.location ?? WITH_DOCS,
        ...(options.annotations ?? {
          'backstage.io/techdocs-ref': 'dir:.',
          'github.com/project-slug': `acme/${name}`,
          'pagerduty.com/service-id': 'P123',
          'prometheus.io/alerts': `${name}-alerts`,
          'paved-road.io/cost-center': 'cc-1',
        }),
      },
      links: options.links ?? [
        { title: 'Grafana dashboard', url: 'https://grafana.example/d/x' },
      ],
    },
    spec: {
      type: options.type ?? 'service',
      lifecycle: 'production',
      owner: options.owner ?? 'team-a',
      dependsOn: options.dependsOn ?? ['resource:default/good-db'],
    },
  };
}

const catalogEntities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'good-db',
      namespace: 'default',
      annotations: { 'paved-road.io/backup-policy': 'daily-35d' },
    },
    spec: { type: 'database', owner: 'team-a' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'unsafe-db', namespace: 'default' },
    spec: { type: 'database', owner: 'team-a' },
  },
  // Passes everything.
  component('good'),
  // Repository unknown to GitHub (404): a definite CI failure.
  component('no-runs'),
  // Latest run failed.
  component('red'),
  // GitHub rate-limits this one (403): no data, never a fail.
  component('limited'),
  // Owner group does not exist; depends on a database without backups; no
  // cost centre (warn before enforcedFrom), no on-call.
  component('orphan', {
    owner: 'group:default/ghost',
    dependsOn: ['resource:default/unsafe-db'],
    annotations: {
      'backstage.io/techdocs-ref': 'dir:.',
      'github.com/project-slug': 'acme/orphan',
      'prometheus.io/alerts': 'orphan-alerts',
    },
  }),
  // A library: monitoring and on-call do not apply; no database dependency;
  // declares TechDocs, but its location has no mkdocs.yml.
  component('lib', {
    type: 'library',
    dependsOn: [],
    location: WITHOUT_DOCS,
  }),
];

/** A GitHub API double on loopback that answers with real status codes. */
async function startGitHubDouble() {
  const app = express();
  const state = { rateLimited: new Set<string>(['limited']) };
  app.get('/repos/:owner/:repo', (req, res) => {
    const { repo } = req.params;
    if (state.rateLimited.has(repo)) {
      res
        .status(403)
        .set('x-ratelimit-remaining', '0')
        .json({ message: 'API rate limit exceeded' });
      return;
    }
    if (repo === 'no-runs') {
      res.status(404).json({ message: 'Not Found' });
      return;
    }
    res.json({ name: repo, default_branch: 'main' });
  });
  app.get('/repos/:owner/:repo/actions/runs', (req, res) => {
    const { repo } = req.params;
    expect(req.query).toMatchObject({ branch: 'main', status: 'completed' });
    res.json({
      total_count: 1,
      workflow_runs: [
        {
          id: 1,
          name: 'ci',
          status: 'completed',
          conclusion: repo === 'red' ? 'failure' : 'success',
          html_url: `https://github.example/acme/${repo}/actions/runs/1`,
          head_sha: 'abc',
          created_at: '2026-11-25T09:00:00Z',
        },
      ],
    });
  });
  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}`, state };
}

/** A TechDocs backend double: sites are built for every entity but `lib`. */
async function startTechDocsDouble() {
  const app = express();
  app.get(
    '/api/techdocs/metadata/techdocs/:namespace/:kind/:name',
    (req, res) => {
      expect(req.headers.authorization).toMatch(/^Bearer /);
      if (req.params.name === 'lib') {
        res.status(404).json({ error: 'not built' });
        return;
      }
      res.json({ site_name: req.params.name, build_timestamp: 1764000000000 });
    },
  );
  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}` };
}

describe.each(databases.eachSupportedId())('Evaluator on %p', databaseId => {
  let github: Awaited<ReturnType<typeof startGitHubDouble>>;
  let techdocs: Awaited<ReturnType<typeof startTechDocsDouble>>;

  beforeAll(async () => {
    github = await startGitHubDouble();
    techdocs = await startTechDocsDouble();
  });
  afterAll(() => {
    github.server.close();
    techdocs.server.close();
  });

  async function setup(
    options: {
      entities?: Entity[];
      githubConfigured?: boolean;
      techdocsUrl?: string;
      now?: () => Date;
    } = {},
  ) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseScorecardStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
    const logger = mockServices.logger.mock();
    const auth = mockServices.auth();
    const githubSource = new GitHubFactSource({
      baseUrl: options.githubConfigured === false ? undefined : github.baseUrl,
      token: options.githubConfigured === false ? undefined : 'test-token',
      logger,
    });
    const make = (entities: Entity[], now?: () => Date) =>
      new Evaluator({
        catalog: catalogServiceMock({ entities }),
        auth,
        store,
        getChecks: () => defaultSet,
        sources: {
          github: githubSource,
          techdocs: new TechDocsFactSource({
            reader: mockServices.urlReader.mock(),
            integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
            discovery: {
              getBaseUrl: async () =>
                options.techdocsUrl ?? `${techdocs.baseUrl}/api/techdocs`,
              getExternalBaseUrl: async () => '',
            },
            auth,
            logger,
            timeoutMs: 2000,
          }),
        },
        logger,
        staleAfterMs: 24 * 60 * 60 * 1000,
        batchSize: 3,
        now,
      });
    return {
      store,
      knex,
      make,
      evaluator: make(options.entities ?? catalogEntities, options.now),
    };
  }

  async function states(
    store: DatabaseScorecardStore,
    name: string,
  ): Promise<Record<string, string>> {
    const results = await store.getCheckResults(`component:default/${name}`);
    return Object.fromEntries(results.map(r => [r.checkId, r.state]));
  }

  it('evaluates every state from real fact sources', async () => {
    const { store, evaluator } = await setup({
      now: () => new Date('2026-11-25T12:00:00Z'),
    });
    const summary = await evaluator.evaluateAll();
    expect(summary).toMatchObject({ seen: 6, evaluated: 6, removed: 0 });

    expect(await states(store, 'good')).toEqual({
      'ci-passing': 'pass',
      'has-owner': 'pass',
      'has-techdocs': 'pass',
      'has-monitoring': 'pass',
      'has-backups': 'pass',
      'has-oncall': 'pass',
      'has-cost-tags': 'pass',
    });
    expect(
      (await store.getEntityScore('component:default/good'))!,
    ).toMatchObject({
      score: 1,
      level: 'gold',
      criticalFailing: false,
    });

    expect((await states(store, 'no-runs'))['ci-passing']).toBe('fail');
    expect((await states(store, 'red'))['ci-passing']).toBe('fail');
    expect(
      (await store.getEntityScore('component:default/red'))!,
    ).toMatchObject({
      criticalFailing: true,
      level: null,
    });

    const limited = await store.getCheckResults('component:default/limited');
    const ci = limited.find(r => r.checkId === 'ci-passing')!;
    expect(ci.state).toBe('no_data');
    expect(ci.reason).toContain('403');
    const limitedScore = (await store.getEntityScore(
      'component:default/limited',
    ))!;
    expect(limitedScore.criticalFailing).toBe(false);
    expect(limitedScore.unknownWeight).toBe(8);
    expect(limitedScore.score).toBe(1);

    const orphan = await store.getCheckResults('component:default/orphan');
    const byId = Object.fromEntries(orphan.map(r => [r.checkId, r]));
    expect(byId['has-owner'].state).toBe('fail');
    expect(byId['has-owner'].factValues).toMatchObject({
      'owner.exists': false,
    });
    expect(byId['has-backups']).toMatchObject({
      state: 'fail',
      reason: expect.stringContaining('resource:default/unsafe-db'),
    });
    expect(byId['has-oncall'].state).toBe('fail');
    expect(byId['has-cost-tags']).toMatchObject({
      state: 'warn',
      reason: expect.stringContaining('not enforced until 2027-01-01'),
    });
    expect(byId['ci-passing'].facts).toEqual([
      { source: 'catalog', collectedAt: '2026-11-25T12:00:00.000Z' },
      { source: 'github', collectedAt: expect.any(String) },
    ]);

    expect(await states(store, 'lib')).toMatchObject({
      'has-monitoring': 'not_applicable',
      'has-oncall': 'not_applicable',
      'has-backups': 'not_applicable',
      'has-techdocs': 'fail',
    });
    const libDocs = (await store.getCheckResults('component:default/lib')).find(
      r => r.checkId === 'has-techdocs',
    )!;
    expect(libDocs.reason).toContain('techdocs: no mkdocs.yml or mkdocs.yaml');
  });

  it('enforces a check once its enforcedFrom date has passed', async () => {
    const { store, evaluator } = await setup({
      now: () => new Date('2027-01-02T00:00:00Z'),
    });
    await evaluator.evaluateOne('component:default/orphan');
    expect((await states(store, 'orphan'))['has-cost-tags']).toBe('fail');
  });

  it('reports no data when GitHub is not configured; an unreachable TechDocs backend does not hide the docs', async () => {
    const { store, evaluator } = await setup({
      githubConfigured: false,
      techdocsUrl: 'http://127.0.0.1:1/api/techdocs',
    });
    await evaluator.evaluateOne('component:default/good');
    const results = await store.getCheckResults('component:default/good');
    const byId = Object.fromEntries(results.map(r => [r.checkId, r]));
    expect(byId['ci-passing']).toMatchObject({
      state: 'no_data',
      reason: expect.stringContaining('GitHub is not configured'),
    });
    // Declared and buildable: whether the site is built yet does not count.
    expect(byId['has-techdocs'].state).toBe('pass');
    expect(
      (await store.getEntityScore('component:default/good'))!,
    ).toMatchObject({
      score: 1,
      criticalFailing: false,
      unknownWeight: 8,
    });
  });

  it('reuses the last good GitHub answer until it is stale', async () => {
    let now = new Date();
    const { store, evaluator } = await setup({ now: () => now });
    await evaluator.evaluateOne('component:default/good');
    github.state.rateLimited.add('good');
    try {
      now = new Date(Date.now() + 60 * 60 * 1000);
      await evaluator.evaluateOne('component:default/good');
      expect((await states(store, 'good'))['ci-passing']).toBe('pass');

      now = new Date(Date.now() + 25 * 60 * 60 * 1000);
      await evaluator.evaluateOne('component:default/good');
      const ci = (await store.getCheckResults('component:default/good')).find(
        r => r.checkId === 'ci-passing',
      )!;
      expect(ci.state).toBe('no_data');
      expect(ci.reason).toContain('stale');
    } finally {
      github.state.rateLimited.delete('good');
    }
  });

  it('marks waived checks exempt and leaves them out of the score', async () => {
    const { store, evaluator } = await setup({
      now: () => new Date('2026-11-25T12:00:00Z'),
    });
    await store.createWaiver({
      entityRef: 'component:default/red',
      checkId: 'ci-passing',
      reason: 'CI migration',
      createdBy: 'user:default/alice',
      expiresAt: '2026-12-01T00:00:00.000Z',
    });
    await evaluator.evaluateOne('component:default/red');
    expect((await states(store, 'red'))['ci-passing']).toBe('exempt');
    expect(
      (await store.getEntityScore('component:default/red'))!,
    ).toMatchObject({
      score: 1,
      criticalFailing: false,
    });
  });

  it('re-evaluates only changed entities and removes deleted ones', async () => {
    const { store, make } = await setup();
    await make(catalogEntities).evaluateAll();

    const changed = catalogEntities
      .filter(e => e.metadata.name !== 'lib')
      .map(e =>
        e.metadata.name === 'orphan'
          ? { ...e, spec: { ...e.spec, owner: 'team-a' } }
          : e,
      );
    const summary = await make(changed).evaluateAll({ onlyChanged: true });
    expect(summary).toMatchObject({ seen: 5, evaluated: 1, removed: 1 });
    expect(await store.getEntityScore('component:default/lib')).toBeUndefined();
    expect((await states(store, 'orphan'))['has-owner']).toBe('pass');
    const history = await store.getHistory('component:default/orphan', {
      since: new Date(0),
    });
    expect(history.changes[0]).toMatchObject({
      checkId: 'has-owner',
      previousState: 'fail',
      state: 'pass',
    });
  });

  it('dry-runs a changed check without storing anything', async () => {
    const { store, knex, evaluator } = await setup({
      now: () => new Date('2026-11-25T12:00:00Z'),
    });
    await evaluator.evaluateAll();
    const before = await knex('scorecard_check_history').count({ n: '*' });

    const candidate = parseChecksFile(
      `checks:
  - id: has-oncall
    title: Has an on-call person
    weight: medium
    appliesTo: { kind: [Component], type: [service] }
    condition: { fact: annotations, has: paved-road.io/on-call }
`,
      '<test>',
    );
    const result = await evaluator.dryRun(candidate);
    expect(result.evaluatedEntities).toBe(6);
    expect(result.checks).toEqual(['has-oncall']);
    expect(result.changes.map(c => [c.entityRef, c.from, c.to]).sort()).toEqual(
      [
        ['component:default/good', 'pass', 'fail'],
        ['component:default/limited', 'pass', 'fail'],
        ['component:default/no-runs', 'pass', 'fail'],
        ['component:default/red', 'pass', 'fail'],
      ],
    );
    expect(result.summary['has-oncall']).toEqual({
      fail: 5,
      not_applicable: 1,
    });
    expect(await knex('scorecard_check_history').count({ n: '*' })).toEqual(
      before,
    );
    expect((await states(store, 'good'))['has-oncall']).toBe('pass');
  });
});

describe('Evaluator notifications and catalog exemptions', () => {
  const knexDb = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('notifies the owner when a critical check starts failing, and honours exemptions declared in the entity', async () => {
    const knex = await knexDb.init('SQLITE_3');
    const store = await DatabaseScorecardStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
    const notify = jest.fn(async () => {});
    const auth = mockServices.auth();
    const logger = mockServices.logger.mock();
    const make = (entities: Entity[]) =>
      new Evaluator({
        catalog: catalogServiceMock({ entities }),
        auth,
        store,
        getChecks: () => defaultSet,
        sources: {
          github: new GitHubFactSource({ logger }),
          techdocs: {
            collect: async () => ({
              source: 'techdocs',
              collectedAt: new Date(),
              unavailable: 'off',
            }),
          },
        },
        logger,
        staleAfterMs: 86_400_000,
        notifier: { notify },
      });
    const group: Entity = catalogEntities[0];
    const svc = component('svc');
    await make([group, svc]).evaluateAll();
    expect(notify).not.toHaveBeenCalled();

    const orphaned = {
      ...svc,
      spec: { ...svc.spec, owner: 'group:default/gone' },
    };
    await make([group, orphaned]).evaluateAll();
    expect(notify).toHaveBeenCalledTimes(1);
    expect(notify).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRef: 'component:default/svc',
        owner: 'group:default/gone',
        checkId: 'has-owner',
        checkTitle: 'Owned by a team',
      }),
    );
    // Still failing: no second notification.
    await make([group, orphaned]).evaluateOne('component:default/svc');
    expect(notify).toHaveBeenCalledTimes(1);

    const exempted: Entity = {
      ...orphaned,
      metadata: {
        ...orphaned.metadata,
        annotations: {
          ...orphaned.metadata.annotations,
          'paved-road.io/scorecard-exemptions': [
            '- check: has-owner',
            '  reason: team being re-created',
            '  approver: user:default/jane',
            `  expires: ${new Date(Date.now() + 86_400_000)
              .toISOString()
              .slice(0, 10)}`,
            '- check: has-oncall',
            '  reason: expired',
            '  approver: user:default/jane',
            '  expires: 2020-01-01',
          ].join('\n'),
        },
      },
    };
    await make([group, exempted]).evaluateOne('component:default/svc');
    const results = await store.getCheckResults('component:default/svc');
    const byId = Object.fromEntries(results.map(r => [r.checkId, r]));
    expect(byId['has-owner']).toMatchObject({
      state: 'exempt',
      reason: expect.stringContaining('user:default/jane'),
    });
    expect(byId['has-oncall'].state).toBe('pass');
  });
});

describe('Evaluator write failures', () => {
  it('stops the run when a batch cannot be stored', async () => {
    const auth = mockServices.auth();
    const logger = mockServices.logger.mock();
    const store = {
      getEntityHashes: async () => new Map(),
      getActiveWaivers: async () => new Map(),
      saveEvaluations: jest.fn(async () => {
        throw new Error('disk full');
      }),
      removeEntities: jest.fn(),
    };
    const evaluator = new Evaluator({
      catalog: catalogServiceMock({ entities: catalogEntities }),
      auth,
      store: store as any,
      getChecks: () => defaultSet,
      sources: {
        github: new GitHubFactSource({ logger }),
        techdocs: {
          collect: async () => ({
            source: 'techdocs',
            collectedAt: new Date(),
            unavailable: 'off',
          }),
        },
      },
      logger,
      staleAfterMs: 86_400_000,
      batchSize: 2,
    });
    await expect(evaluator.evaluateAll()).rejects.toThrow('disk full');
    // Nothing is removed after a failed run.
    expect(store.removeEntities).not.toHaveBeenCalled();
  });
});

describe('Evaluator concurrency', () => {
  const knexDb = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('collects facts for at most `concurrency` entities at a time, and evaluates each of the batch', async () => {
    const knex = await knexDb.init('SQLITE_3');
    const store = await DatabaseScorecardStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
    const logger = mockServices.logger.mock();
    let inFlight = 0;
    let most = 0;
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const evaluator = new Evaluator({
      catalog: catalogServiceMock({
        entities: [catalogEntities[0], ...names.map(n => component(n))],
      }),
      auth: mockServices.auth(),
      store,
      getChecks: () => defaultSet,
      sources: {
        github: new GitHubFactSource({ logger }),
        techdocs: {
          collect: async () => {
            inFlight++;
            most = Math.max(most, inFlight);
            await new Promise(resolve =>
              setTimeout(resolve, 5 + 5 * (most % 3)),
            );
            inFlight--;
            return {
              source: 'techdocs',
              collectedAt: new Date(),
              unavailable: 'off',
            };
          },
        },
      },
      logger,
      staleAfterMs: 86_400_000,
      batchSize: 10,
      concurrency: 2.5,
    });
    await evaluator.evaluateAll();
    expect(most).toBe(2);
    const evaluation = await evaluator.evaluateOne('component:default/g');
    expect(evaluation?.entityRef).toBe('component:default/g');
    const { items } = await store.listEntityScores({
      orderBy: 'name',
      order: 'asc',
      limit: 10,
      offset: 0,
    });
    expect(items.map(i => i.name)).toEqual(names);
  });
});
