import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DoraEvent } from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { testEntities } from '../__testUtils__/fixtures';
import { referenceSummary } from '../__testUtils__/reference';
import { ConfigReader } from '@backstage/config';
import { readDoraConfig } from '../service/config';
import { IngestionService } from '../service/ingestion';
import { MetricsService } from '../service/metrics';
import { DatabaseDoraStore } from './DatabaseDoraStore';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const config = readDoraConfig(
  new ConfigReader({ dora: { environments: { 'eu-1': 'production' } } }),
);

const deployment = (
  key: string,
  finishedAt: string,
  extra: Partial<Extract<DoraEvent, { type: 'deployment' }>> = {},
): DoraEvent => ({
  type: 'deployment',
  idempotencyKey: key,
  service: 'a',
  environment: 'production',
  status: 'success',
  finishedAt,
  ...extra,
});

const change = (
  key: string,
  authoredAt: string,
  extra: Partial<Extract<DoraEvent, { type: 'change' }>> = {},
): DoraEvent => ({
  type: 'change',
  idempotencyKey: key,
  service: 'a',
  commitSha: key,
  authoredAt,
  ...extra,
});

const incident = (
  key: string,
  openedAt: string,
  extra: Partial<Extract<DoraEvent, { type: 'incident' }>> = {},
): DoraEvent => ({
  type: 'incident',
  idempotencyKey: key,
  service: 'a',
  openedAt,
  ...extra,
});

/**
 * The hand-worked data set; window 2026-01-01 .. 2026-01-15 (two weeks).
 * Expected figures are worked out in the comments of the test below.
 */
const dataset: DoraEvent[][] = [
  // changes arriving before their deployments
  [
    change('c0', '2025-12-19T10:00:00Z'),
    change('c1', '2025-12-30T10:00:00Z', {
      prNumber: 1,
      prOpenedAt: '2025-12-31T10:00:00Z',
      mergedAt: '2026-01-01T10:00:00Z',
    }),
    change('c2', '2026-01-01T22:00:00Z'),
    change('c3', '2026-01-02T10:00:00Z'),
    change('c4', '2026-01-04T10:00:00Z'),
    change('c6', '2026-01-07T22:00:00Z', {
      service: 'b',
      prNumber: 6,
      prOpenedAt: '2026-01-06T10:00:00Z',
      mergedAt: '2026-01-07T22:00:00Z',
      squashMerge: true,
    }),
    change('c7', '2026-01-10T10:00:00Z'), // never deployed
  ],
  [
    deployment('dA0', '2025-12-20T10:00:00Z', { commitSha: 'c0' }),
    // staging must not count, and must not become c1's deployment
    deployment('dS1', '2026-01-02T09:00:00Z', {
      environment: 'staging',
      commitSha: 'c1',
    }),
    deployment('dA1', '2026-01-02T10:00:00Z', {
      startedAt: '2026-01-02T09:30:00Z',
      commitSha: 'c2',
      commits: ['c1'],
    }),
    deployment('dA2', '2026-01-03T10:00:00Z', { commitSha: 'c3' }),
    // a failed deployment job is not a production deployment
    deployment('dF', '2026-01-04T10:00:00Z', { status: 'failure' }),
    deployment('dA3', '2026-01-05T10:00:00Z', {
      environment: 'eu-1',
      commitSha: 'c4',
    }),
    deployment('dA4', '2026-01-05T12:00:00Z', {
      kind: 'rollback',
      remediates: 'dA3',
    }),
    deployment('dB1', '2026-01-08T10:00:00Z', {
      service: 'b',
      commitSha: 'c6',
    }),
    deployment('dA5', '2026-01-09T10:00:00Z', {
      kind: 'hotfix',
      remediates: 'dA1',
      commitSha: 'c5',
    }),
  ],
  // a change arriving after its deployment
  [change('c5', '2026-01-08T10:00:00Z')],
  [
    // window link: latest production deployment of a within 24h -> dA2
    incident('i1', '2026-01-03T11:00:00Z', {
      resolvedAt: '2026-01-03T13:00:00Z',
    }),
    // rollback link: dA4 rolled back dA3 during the incident
    incident('iA3', '2026-01-05T11:00:00Z', {
      resolvedAt: '2026-01-05T12:30:00Z',
    }),
    // b: dB1 is 48h before, dA5 is a's -> no link, and still open
    incident('iB', '2026-01-10T10:00:00Z', { service: 'b' }),
  ],
];

const WINDOW = { from: '2026-01-01T00:00:00Z', to: '2026-01-15T00:00:00Z' };

/**
 * A service deploying to two production environments and staging, same
 * window. Expected figures per environment are worked out in the test.
 */
const environments: DoraEvent[][] = [
  [
    change('e1', '2026-01-02T00:00:00Z'),
    change('e2', '2026-01-02T00:00:00Z'),
    change('e3', '2026-01-03T00:00:00Z'),
    change('e5', '2026-01-05T00:00:00Z'),
  ],
  [
    deployment('sS1', '2026-01-02T02:00:00Z', {
      environment: 'staging',
      commitSha: 'e1',
    }),
    deployment('pUS1', '2026-01-02T10:00:00Z', {
      environment: 'production-us',
      commitSha: 'e1',
    }),
    deployment('hUS', '2026-01-02T12:00:00Z', {
      environment: 'production-us',
      kind: 'hotfix',
      remediates: 'pUS1',
    }),
    deployment('pEU1', '2026-01-03T06:00:00Z', {
      environment: 'production-eu',
      commitSha: 'e1',
    }),
    // several commits per deployment
    deployment('pUS2', '2026-01-04T00:00:00Z', {
      environment: 'production-us',
      commitSha: 'e3',
      commits: ['e2'],
    }),
    deployment('pEU2', '2026-01-05T00:00:00Z', {
      environment: 'production-eu',
      commitSha: 'e3',
      commits: ['e2', 'mystery'],
    }),
    // rolled back in production-eu: fails pUS2 for the production tier,
    // not for production-us alone
    deployment('rEU', '2026-01-05T02:00:00Z', {
      environment: 'production-eu',
      kind: 'rollback',
      remediates: 'pUS2',
    }),
    deployment('sS2', '2026-01-06T00:00:00Z', {
      environment: 'staging',
      commitSha: 'e2',
      commits: ['e3', 'e5'],
    }),
    deployment('sF', '2026-01-07T00:00:00Z', {
      environment: 'staging',
      status: 'failure',
      commitSha: 'e2',
    }),
  ],
  [
    incident('iS', '2026-01-06T01:00:00Z', {
      causedByDeployment: 'sS2',
      resolvedAt: '2026-01-06T04:00:00Z',
    }),
    // no deployment within 24h: unlinked, so in no environment
    incident('iX', '2026-01-12T00:00:00Z'),
  ],
];

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'DatabaseDoraStore on %s',
  (databaseId: TestDatabaseId) => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const catalog = catalogServiceMock({ entities: testEntities });
      const auth = mockServices.auth();
      const ingestion = new IngestionService({
        store,
        catalog,
        auth,
        config,
        logger: mockServices.logger.mock(),
      });
      const metrics = new MetricsService({ store, catalog, auth });
      const send = (
        events: DoraEvent[],
        delivery?: { id: string; event: string },
      ) => ingestion.ingest(ingestion.parse({ events }), { delivery });
      return { knex, store, ingestion, metrics, send };
    }

    const count = async (knex: Knex, table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);

    it('stores a retried batch once', async () => {
      const { knex, send } = await setup();
      const batch = [
        deployment('d1', '2026-01-02T10:00:00Z', { commitSha: 'x1' }),
        change('x1', '2026-01-01T10:00:00Z'),
        incident('i1', '2026-01-02T11:00:00Z'),
      ];
      const first = await send(batch);
      expect(first).toMatchObject({ created: 3, duplicates: 0 });
      const second = await send(batch);
      expect(second).toMatchObject({ created: 0, duplicates: 3 });
      expect(await count(knex, 'dora_deployments')).toBe(1);
      expect(await count(knex, 'dora_changes')).toBe(1);
      expect(await count(knex, 'dora_incidents')).toBe(1);
      // the same key twice in one batch is stored once too
      const third = await send([
        deployment('d2', '2026-01-03T10:00:00Z'),
        deployment('d2', '2026-01-03T10:00:00Z'),
      ]);
      expect(third.replay === false && third.results).toEqual([
        { index: 0, status: 'created' },
        { index: 1, status: 'duplicate' },
      ]);
    });

    it('stores concurrent deliveries of the same batch once', async () => {
      const { knex, send } = await setup();
      const batch = Array.from({ length: 20 }, (_, i) =>
        deployment(`d${i}`, '2026-01-02T10:00:00Z', { commitSha: `s${i}` }),
      );
      const results = await Promise.all([
        send(batch),
        send(batch),
        send(batch),
      ]);
      const created = results.map(r => (r.replay ? 0 : r.created));
      expect(created.reduce((a, b) => a + b, 0)).toBe(20);
      expect(await count(knex, 'dora_deployments')).toBe(20);
      expect(await count(knex, 'dora_deployment_commits')).toBe(20);
    });

    it('migrates down and up again', async () => {
      const { knex } = await setup();
      const directory = resolvePackagePath(
        '@internal/plugin-dora-backend',
        'migrations',
      );
      await knex.migrate.rollback({ directory }, true);
      expect(await knex.schema.hasTable('dora_deployments')).toBe(false);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('dora_backfill_cursors')).toBe(true);
    });

    it('stores nothing of a batch when one event fails', async () => {
      const { knex, send } = await setup();
      await expect(
        send([
          deployment('d1', '2026-01-02T10:00:00Z'),
          change('x1', '2026-01-01T10:00:00Z'),
          incident('i1', '2026-01-02T11:00:00Z', {
            causedByDeployment: 'no-such-deployment',
          }),
        ]),
      ).rejects.toThrow(
        new InputError(
          "events[2].causedByDeployment: no deployment 'no-such-deployment' of component:default/a",
        ),
      );
      expect(await count(knex, 'dora_deployments')).toBe(0);
      expect(await count(knex, 'dora_changes')).toBe(0);
      expect(await count(knex, 'dora_incidents')).toBe(0);
    });

    it('rejects unknown services before writing anything', async () => {
      const { knex, send } = await setup();
      await expect(
        send([
          deployment('d1', '2026-01-02T10:00:00Z'),
          deployment('d2', '2026-01-02T10:00:00Z', { service: 'nope' }),
        ]),
      ).rejects.toThrow(
        "events[1].service: unknown catalog Component 'component:default/nope'",
      );
      expect(await count(knex, 'dora_deployments')).toBe(0);
    });

    it('drops a replayed webhook delivery', async () => {
      const { knex, send } = await setup();
      const delivery = { id: 'abc', event: 'deployment_status' };
      const batch = [deployment('d1', '2026-01-02T10:00:00Z')];
      expect(await send(batch, delivery)).toMatchObject({ replay: false });
      expect(await send(batch, delivery)).toEqual({ replay: true });
      expect(await count(knex, 'dora_webhook_deliveries')).toBe(1);
    });

    it('links incidents explicitly, by rollback, by window, never across services', async () => {
      const { knex, send } = await setup();
      for (const batch of dataset) await send(batch);
      await send([
        incident('iX', '2026-01-12T10:00:00Z', {
          causedByDeployment: 'dA1',
        }),
      ]);
      const rows = await knex('dora_incidents as i')
        .leftJoin('dora_deployments as d', 'd.id', 'i.caused_by_deployment_id')
        .select(
          'i.idempotency_key as incident',
          'i.link_method',
          'd.idempotency_key as deployment',
        )
        .orderBy('i.idempotency_key');
      expect(rows).toEqual([
        { incident: 'i1', link_method: 'window', deployment: 'dA2' },
        { incident: 'iA3', link_method: 'rollback', deployment: 'dA3' },
        { incident: 'iB', link_method: 'none', deployment: null },
        { incident: 'iX', link_method: 'explicit', deployment: 'dA1' },
      ]);
    });

    it('resolves an incident sent again with the same external id', async () => {
      const { knex, send } = await setup();
      await send([
        incident('open', '2026-01-02T10:00:00Z', { externalId: 'PD-1' }),
      ]);
      const second = await send([
        incident('resolve', '2026-01-02T10:00:00Z', {
          externalId: 'PD-1',
          resolvedAt: '2026-01-02T12:00:00Z',
        }),
      ]);
      expect(second).toMatchObject({ created: 0, updated: 1 });
      const rows = await knex('dora_incidents').select('resolved_at');
      expect(rows.map(r => Number(r.resolved_at))).toEqual([
        Date.parse('2026-01-02T12:00:00Z'),
      ]);
    });

    it('records the owner at deploy time', async () => {
      const { knex, send } = await setup();
      await send([deployment('d1', '2026-01-02T10:00:00Z', { service: 'a2' })]);
      const [row] = await knex('dora_deployments').select(
        'owner_ref',
        'environment_tier',
      );
      expect(row).toEqual({
        owner_ref: 'group:default/team-a-sub',
        environment_tier: 'production',
      });
    });

    it('computes every figure of the hand-worked data set', async () => {
      const { metrics, send } = await setup();
      for (const batch of dataset) await send(batch);
      const result = await metrics.metrics({ scope: 'org', ...WINDOW });
      const c = result.current;

      // dA1 dA2 dA3 dA4 dA5 dB1 (not dS1 staging, not dF failure, not dA0 earlier),
      // on 5 distinct days, over 14 days
      expect(c.deploymentFrequency).toEqual({
        deployments: 6,
        deploymentDays: 5,
        perDay: 6 / 14,
        perWeek: 3,
        level: 'high',
      });
      // lead times: c1 72h (Dec 30 -> dA1), c2 12h, c3 24h, c4 24h, c5 24h,
      // c6 48h from PR open (squash); sorted 12 24 24 24 48 72
      expect(c.leadTime).toEqual({
        changes: 6,
        medianMs: 24 * HOUR,
        p90Ms: 60 * HOUR, // 48 + 0.5 * (72 - 48)
        prOpenFallbacks: 1,
        stages: {
          codingMedianMs: 24 * HOUR, // c1 only
          reviewMedianMs: 30 * HOUR, // c1 24h, c6 36h
          waitingToDeployMedianMs: 18 * HOUR, // c1 24h, c6 12h
        },
        level: 'high',
      });
      // failed: dA1 (hotfix dA5), dA2 (incident i1), dA3 (rollback dA4 + iA3)
      expect(c.changeFailureRate).toEqual({
        deployments: 6,
        failed: 3,
        rate: 0.5,
        byReason: { incident: 2, rollback: 1, hotfix: 1 },
        level: 'low',
      });
      // recovery: dA1 7d (hotfix), dA2 3h (i1 resolved), dA3 2h (rollback at
      // 12:00 before iA3 resolved 12:30); incidents i1 2h, iA3 1.5h, iB open
      expect(c.recoveryTime).toEqual({
        failedDeployments: 3,
        recovered: 3,
        unrecovered: 0,
        medianMs: 3 * HOUR,
        incidents: { opened: 3, resolved: 2, open: 1, medianMs: 1.75 * HOUR },
        level: 'high',
      });
      expect(c.reworkRate).toEqual({
        deployments: 6,
        unplanned: 2,
        rate: 2 / 6,
        level: 'no-threshold',
      });
      expect(result.weekly).toEqual([
        {
          weekStart: '2026-01-01T00:00:00.000Z',
          deployments: 4,
          failedDeployments: 3,
          leadTimeMedianMs: 24 * HOUR,
        },
        {
          weekStart: '2026-01-08T00:00:00.000Z',
          deployments: 2,
          failedDeployments: 0,
          leadTimeMedianMs: 36 * HOUR,
        },
      ]);
      // previous window (Dec 18 - Jan 1): dA0 and c0 only
      expect(result.previous.deploymentFrequency.deployments).toBe(1);
      expect(result.previous.leadTime.medianMs).toBe(24 * HOUR);
      expect(result.previous.deploymentFrequency.level).toBe(
        'insufficient-data',
      );
      expect(result.trend).toEqual({
        deploymentFrequency: 'better',
        leadTime: 'same',
        changeFailureRate: 'worse',
        recoveryTime: 'unknown',
        reworkRate: 'worse',
      });
    });

    it('scopes to a service and rolls a team up through child groups', async () => {
      const { metrics, send } = await setup();
      for (const batch of dataset) await send(batch);
      // a2 belongs to team-a-sub, a child of team-a
      await send([
        deployment('dC1', '2026-01-06T10:00:00Z', { service: 'a2' }),
      ]);

      const b = await metrics.metrics({
        scope: 'service',
        ref: 'b',
        ...WINDOW,
      });
      expect(b.ref).toBe('component:default/b');
      expect(b.current.deploymentFrequency.deployments).toBe(1);
      expect(b.current.leadTime.medianMs).toBe(48 * HOUR);
      expect(b.current.changeFailureRate.failed).toBe(0);
      expect(b.current.recoveryTime.incidents).toEqual({
        opened: 1,
        resolved: 0,
        open: 1,
        medianMs: null,
      });

      const teamA = await metrics.metrics({
        scope: 'team',
        ref: 'team-a',
        ...WINDOW,
      });
      expect(teamA.owners).toEqual([
        'group:default/team-a',
        'group:default/team-a-sub',
      ]);
      expect(teamA.current.deploymentFrequency.deployments).toBe(6); // 5 of a + 1 of a2
      expect(teamA.current.changeFailureRate.failed).toBe(3);

      const sub = await metrics.metrics({
        scope: 'team',
        ref: 'group:default/team-a-sub',
        ...WINDOW,
      });
      expect(sub.current.deploymentFrequency.deployments).toBe(1);

      const org = await metrics.metrics({
        scope: 'team',
        ref: 'org',
        ...WINDOW,
      });
      expect(org.current.deploymentFrequency.deployments).toBe(7);
    });

    it('reports data quality and lists the rows behind the figures', async () => {
      const { metrics, send } = await setup();
      for (const batch of dataset) await send(batch);
      await send([
        deployment('dU', '2026-01-12T10:00:00Z', { commitSha: 'mystery' }),
      ]);
      // dA4 (a rollback without commits) and dU have no known change; dU's
      // commit is unknown; iB is unlinked; c7 was never deployed.
      expect(await metrics.dataQuality({ scope: 'org', ...WINDOW })).toEqual({
        window: {
          from: '2026-01-01T00:00:00.000Z',
          to: '2026-01-15T00:00:00.000Z',
        },
        target: { tiers: ['production'] },
        deploymentsWithoutChanges: 2,
        unknownCommits: 1,
        unlinkedIncidents: 1,
        undeployedChanges: 1,
        inferredRollbacks: 0,
      });

      const b = await metrics.list(
        'deployments',
        { scope: 'service', ref: 'b', ...WINDOW },
        10,
      );
      expect(b).toEqual({
        items: [
          expect.objectContaining({
            idempotencyKey: 'dB1',
            service: 'component:default/b',
            owner: 'group:default/team-b',
            finishedAt: '2026-01-08T10:00:00.000Z',
            failed: false,
          }),
        ],
        truncated: false,
      });
      const a = await metrics.list(
        'deployments',
        { scope: 'service', ref: 'a', ...WINDOW },
        100,
      );
      expect(
        (a.items as any[]).filter(d => d.failed).map(d => d.idempotencyKey),
      ).toEqual(['dA3', 'dA2', 'dA1']);

      const incidents = await metrics.list(
        'incidents',
        { scope: 'org', ...WINDOW },
        100,
      );
      expect(
        (incidents.items as any[]).map(i => [
          i.externalId ?? i.id,
          i.linkMethod,
        ]),
      ).toEqual([
        [expect.any(String), 'none'],
        [expect.any(String), 'rollback'],
        [expect.any(String), 'window'],
      ]);

      const changes = await metrics.list(
        'changes',
        { scope: 'org', ...WINDOW },
        2,
      );
      expect(changes.truncated).toBe(true);
      expect((changes.items as any[]).map(c => c.commitSha)).toEqual([
        'c5',
        'c6',
      ]);
    });

    it('computes the figures of one environment at a time', async () => {
      const { knex, store, metrics, send } = await setup();
      for (const batch of environments) await send(batch);
      const of = (environment?: string) =>
        metrics.metrics({ scope: 'org', ...WINDOW, environment });

      // Default: production tiers (pUS1 hUS pEU1 pUS2 pEU2 rEU), no staging.
      const all = await of();
      expect(all.target).toEqual({ tiers: ['production'] });
      expect(all.current.deploymentFrequency).toMatchObject({
        deployments: 6,
        deploymentDays: 4,
      });
      // e1 10h (pUS1), e3 24h, e2 48h (pUS2); e5 only reached staging
      expect(all.current.leadTime).toMatchObject({
        changes: 3,
        medianMs: 24 * HOUR,
      });
      // pUS1 (hotfix hUS), pUS2 (rollback rEU, another production env)
      expect(all.current.changeFailureRate).toMatchObject({
        failed: 2,
        byReason: { incident: 0, rollback: 1, hotfix: 1 },
      });
      expect(all.current.recoveryTime).toMatchObject({
        medianMs: 14 * HOUR, // 2h and 26h
        incidents: { opened: 2, resolved: 1, open: 1, medianMs: 3 * HOUR },
      });
      expect(all.current.reworkRate).toMatchObject({ unplanned: 2 });

      const us = await of('production-us');
      expect(us.target).toEqual({ environment: 'production-us' });
      expect(us.current.deploymentFrequency.deployments).toBe(3);
      expect(us.current.leadTime).toMatchObject({
        changes: 3,
        medianMs: 24 * HOUR, // 10h 24h 48h
      });
      // rEU is not in production-us: only pUS1 failed
      expect(us.current.changeFailureRate).toMatchObject({
        failed: 1,
        byReason: { incident: 0, rollback: 0, hotfix: 1 },
      });
      expect(us.current.recoveryTime).toMatchObject({
        medianMs: 2 * HOUR,
        incidents: { opened: 0 },
      });

      // The same commits reached production-eu later: e1 30h, e3 48h, e2 72h.
      const eu = await of('production-eu');
      expect(eu.current.leadTime).toMatchObject({
        changes: 3,
        medianMs: 48 * HOUR,
        p90Ms: 67.2 * HOUR, // 48 + 0.8 * 24
      });
      expect(eu.current.changeFailureRate.failed).toBe(0);
      expect(eu.current.reworkRate).toMatchObject({
        deployments: 3,
        unplanned: 1,
      });

      // Staging: sS1 and sS2 (not the failed job sF); e1 2h, e5 24h,
      // e3 72h, e2 96h; sS2 failed by the incident linked to it.
      const staging = await of('staging');
      expect(staging.current.deploymentFrequency.deployments).toBe(2);
      expect(staging.current.leadTime).toMatchObject({
        changes: 4,
        medianMs: 48 * HOUR,
      });
      expect(staging.current.changeFailureRate).toMatchObject({
        failed: 1,
        byReason: { incident: 1, rollback: 0, hotfix: 0 },
      });
      expect(staging.current.recoveryTime).toMatchObject({
        medianMs: 4 * HOUR,
        incidents: { opened: 1, resolved: 1, medianMs: 3 * HOUR },
      });
      expect(staging.weekly.map(w => w.deployments)).toEqual([2, 0]);

      // The reference agrees on every target, both windows.
      for (const environment of [
        undefined,
        'production-us',
        'production-eu',
        'staging',
      ]) {
        for (const [from, to] of [
          [WINDOW.from, WINDOW.to],
          ['2025-12-18T00:00:00Z', WINDOW.from],
        ]) {
          const window = { from: Date.parse(from), to: Date.parse(to) };
          expect(
            await store.summary({ ...window, environment }, { weekly: true }),
          ).toEqual(
            await referenceSummary(knex, {
              ...window,
              environment,
              weekly: true,
            }),
          );
        }
      }

      // An environment without deployments: zero figures, not an error.
      const none = await of('nowhere');
      expect(none.current.deploymentFrequency.deployments).toBe(0);
      expect(none.current.recoveryTime.incidents.opened).toBe(0);
    });

    it("keeps each incident's environment, and an upgrade fills it in", async () => {
      const { knex, store, send } = await setup();
      // Incidents linked explicitly, by window, by rollback, and not at all.
      for (const batch of [...dataset, ...environments]) await send(batch);
      const incidents = async () =>
        Object.fromEntries(
          (
            await knex('dora_incidents as i')
              .leftJoin(
                'dora_deployments as d',
                'd.id',
                'i.caused_by_deployment_id',
              )
              .select(
                'i.idempotency_key',
                'i.caused_by_environment',
                'd.environment',
              )
          ).map(r => [
            r.idempotency_key,
            [r.caused_by_environment, r.environment],
          ]),
        );
      const ingested = await incidents();
      expect(ingested).toMatchObject({
        i1: ['production', 'production'],
        iA3: ['eu-1', 'eu-1'],
        iB: [null, null],
        iS: ['staging', 'staging'],
        iX: [null, null],
      });
      const windows = [undefined, 'production', 'eu-1', 'staging'].map(
        environment => ({
          from: Date.parse('2026-01-01T00:00:00Z'),
          to: Date.parse('2026-01-15T00:00:00Z'),
          environment,
        }),
      );
      const figures = async () =>
        Promise.all(windows.map(w => store.summary(w, { weekly: true })));
      const before = await figures();
      expect(before.map(f => f.incidentsOpened)).toEqual([5, 1, 1, 1]);

      // An install from before the column: the upgrade copies each linked
      // deployment's environment, and every figure stays as it was.
      const directory = resolvePackagePath(
        '@internal/plugin-dora-backend',
        'migrations',
      );
      while (
        await knex.schema.hasColumn('dora_incidents', 'caused_by_environment')
      ) {
        await knex.migrate.down({ directory });
      }
      await knex.migrate.latest({ directory });
      expect(await incidents()).toEqual(ingested);
      expect(await figures()).toEqual(before);
      for (const [i, w] of windows.entries()) {
        expect(await referenceSummary(knex, { ...w, weekly: true })).toEqual(
          before[i],
        );
      }
    });

    it('lists the environments, data quality and rows of one environment', async () => {
      const { metrics, send } = await setup();
      for (const batch of environments) await send(batch);

      expect(await metrics.environments({ scope: 'org' })).toEqual({
        items: [
          {
            name: 'production-eu',
            tier: 'production',
            deployments: 3,
            lastDeployedAt: '2026-01-05T02:00:00.000Z',
          },
          {
            name: 'production-us',
            tier: 'production',
            deployments: 3,
            lastDeployedAt: '2026-01-04T00:00:00.000Z',
          },
          {
            name: 'staging',
            tier: 'staging',
            deployments: 2, // not the failed job
            lastDeployedAt: '2026-01-06T00:00:00.000Z',
          },
        ],
      });
      expect(
        await metrics.environments({ scope: 'service', ref: 'b' }),
      ).toEqual({ items: [] });

      const quality = (environment?: string) =>
        metrics.dataQuality({ scope: 'org', ...WINDOW, environment });
      // Default: hUS, pEU1, pEU2 and rEU ship no change first to production;
      // 'mystery' is unknown; iX unlinked; e5 never reached production.
      expect(await quality()).toMatchObject({
        target: { tiers: ['production'] },
        deploymentsWithoutChanges: 4,
        unknownCommits: 1,
        unlinkedIncidents: 1,
        undeployedChanges: 1,
      });
      // production-eu: pEU1 and pEU2 ship e1, e2, e3 first there; rEU none.
      expect(await quality('production-eu')).toMatchObject({
        target: { environment: 'production-eu' },
        deploymentsWithoutChanges: 1,
        unknownCommits: 1,
        unlinkedIncidents: 1,
        undeployedChanges: 1,
      });
      expect(await quality('staging')).toMatchObject({
        deploymentsWithoutChanges: 0,
        unknownCommits: 0,
        undeployedChanges: 0,
      });

      const list = async (
        what: 'deployments' | 'changes' | 'incidents',
        environment?: string,
      ) =>
        (
          await metrics.list(
            what,
            { scope: 'org', ...WINDOW, environment },
            100,
          )
        ).items as any[];
      expect(
        (await list('deployments', 'production-us')).map(d => [
          d.idempotencyKey,
          d.failed,
        ]),
      ).toEqual([
        ['pUS2', false],
        ['hUS', false],
        ['pUS1', true],
      ]);
      expect(
        (await list('deployments'))
          .filter(d => d.failed)
          .map(d => d.idempotencyKey),
      ).toEqual(['pUS2', 'pUS1']);
      expect(
        (await list('deployments', 'staging')).map(d => [
          d.idempotencyKey,
          d.failed,
        ]),
      ).toEqual([
        ['sF', false],
        ['sS2', true],
        ['sS1', false],
      ]);
      expect(
        (await list('changes', 'production-eu')).map(c => [
          c.commitSha,
          c.deployedAt,
        ]),
      ).toEqual([
        ['e3', '2026-01-05T00:00:00.000Z'],
        ['e2', '2026-01-05T00:00:00.000Z'],
        ['e1', '2026-01-03T06:00:00.000Z'],
      ]);
      expect(
        (await list('changes')).map(c => [c.commitSha, c.deployedAt]),
      ).toEqual([
        ['e3', '2026-01-04T00:00:00.000Z'],
        ['e2', '2026-01-04T00:00:00.000Z'],
        ['e1', '2026-01-02T10:00:00.000Z'],
      ]);
      expect(
        (await list('incidents', 'staging')).map(i => i.linkMethod),
      ).toEqual(['explicit']);
      expect(await list('incidents', 'production-us')).toEqual([]);
      expect(await list('incidents')).toHaveLength(2);
    });

    it('returns empty figures without data', async () => {
      const { metrics } = await setup();
      const result = await metrics.metrics({ scope: 'org', ...WINDOW });
      expect(result.current.deploymentFrequency.level).toBe(
        'insufficient-data',
      );
      expect(result.current.leadTime.medianMs).toBeNull();
      expect(result.current.changeFailureRate.rate).toBeNull();
      expect(result.weekly).toHaveLength(2);
    });
  },
);
