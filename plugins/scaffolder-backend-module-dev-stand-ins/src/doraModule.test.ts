import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The real ingestion API, schema and all, is what the history must pass.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import doraPlugin from '@internal/plugin-dora-backend';
import type {
  DoraEvent,
  DoraMetricsResponse,
} from '@internal/plugin-dora-common';
import { AddressInfo } from 'node:net';
import { generateDoraHistory, HistoryService } from './doraHistory';
import { doraModuleExampleHistory } from './doraModule';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const SEED = 'test-seed';

// A slice of the example organisation (catalog/): an elite team of three
// services, a struggling one, a website of a team in between, and a library,
// which is not deployed and gets no history.
const components = [
  ['orders-service', 'fulfilment-team', 'service'],
  ['inventory-service', 'fulfilment-team', 'service'],
  ['shipping-service', 'fulfilment-team', 'service'],
  ['payments-service', 'payments-team', 'service'],
  ['storefront-web', 'storefront-team', 'website'],
  ['freight-common', 'platform-team', 'library'],
];
const entities: Entity[] = [
  ...['fulfilment-team', 'payments-team', 'storefront-team'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  })),
  ...components.map(([name, owner, type]) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type, owner, lifecycle: 'production' },
  })),
];
const services: HistoryService[] = components
  .filter(([, , type]) => type !== 'library')
  .map(([name, owner]) => ({
    ref: `component:default/${name}`,
    owner: `group:default/${owner}`,
    lifecycle: 'production',
  }));

// The embedded default runs on SQLite, so that is where it must work.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function start(
  config: { pavedRoad?: object; dora?: object },
  extra: { logger?: ReturnType<typeof mockServices.logger.mock> } = {},
) {
  const backend = await startTestBackend({
    features: [
      doraPlugin,
      doraModuleExampleHistory,
      mockServices.database.factory({
        knex: await databases.init('SQLITE_3'),
      }),
      mockServices.rootConfig.factory({ data: config }),
      catalogServiceMock.factory({ entities }),
      ...(extra.logger ? [extra.logger.factory] : []),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const base = `http://localhost:${port}/api/dora`;
  return {
    backend,
    get: async <T>(path: string): Promise<T> => {
      const res = await fetch(`${base}${path}`, {
        headers: { Authorization: mockCredentials.user.header() },
      });
      expect(res.status).toBe(200);
      return res.json();
    },
    post: (events: DoraEvent[]) =>
      fetch(`${base}/events`, {
        method: 'POST',
        headers: {
          Authorization: mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('plugin:dora'),
            targetPluginId: 'dora',
          }),
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ events }),
      }),
  };
}

const enabled = {
  pavedRoad: { standIns: { doraHistory: { seed: SEED } } },
  dora: { ingestion: { allowedSubjects: ['plugin:dora'] } },
};

async function eventually<T>(fn: () => Promise<T>, done: (v: T) => boolean) {
  for (const deadline = Date.now() + 30_000; ; ) {
    const value = await fn();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('doraModuleExampleHistory', () => {
  describe('with the stand-ins on', () => {
    let app: Awaited<ReturnType<typeof start>>;
    let events: DoraEvent[];
    // Whole UTC days, so the history's figures do not depend on the exact
    // time the module and the test each took as "now".
    const today = Math.floor(Date.now() / DAY) * DAY;
    const window = { from: today - 182 * DAY, to: today };
    const inWindow = (iso: string) =>
      Date.parse(iso) >= window.from && Date.parse(iso) < window.to;
    const range = `from=${new Date(window.from).toISOString()}&to=${new Date(
      window.to,
    ).toISOString()}`;

    beforeAll(async () => {
      app = await start(enabled);
      events = generateDoraHistory({ services, now: new Date(), seed: SEED });
    });
    afterAll(() => app.backend.stop());

    it('sends six months through the ingestion API, every event accepted and linked', async () => {
      const production = events.filter(
        e =>
          e.type === 'deployment' &&
          e.environment === 'production' &&
          e.status === 'success',
      ) as Extract<DoraEvent, { type: 'deployment' }>[];
      const deployed = production.filter(d => inWindow(d.finishedAt));
      const fixed = new Set(
        events.map(
          e =>
            (e.type === 'deployment' && e.remediates) ||
            (e.type === 'incident' && e.causedByDeployment),
        ),
      );
      // A commit's lead time ends at its first production deployment.
      const firstDeployed = new Map<string, number>();
      for (const d of production) {
        for (const sha of [d.commitSha!, ...(d.commits ?? [])]) {
          const t = Date.parse(d.finishedAt);
          firstDeployed.set(sha, Math.min(t, firstDeployed.get(sha) ?? t));
        }
      }
      const leadTimes = events.filter(e => {
        const t = e.type === 'change' && firstDeployed.get(e.commitSha);
        return t && t >= window.from && t < window.to;
      });

      const metrics = await eventually(
        () => app.get<DoraMetricsResponse>(`/metrics?scope=org&${range}`),
        m =>
          m.current.deploymentFrequency.deployments === deployed.length &&
          m.current.leadTime.changes === leadTimes.length,
      );
      expect(metrics.current.deploymentFrequency.deployments).toBe(
        deployed.length,
      );
      expect(metrics.current.leadTime.changes).toBe(leadTimes.length);
      expect(metrics.current.changeFailureRate.failed).toBe(
        deployed.filter(d => fixed.has(d.idempotencyKey)).length,
      );
      expect(
        metrics.current.changeFailureRate.byReason.rollback,
      ).toBeGreaterThan(0);
      expect(metrics.current.changeFailureRate.byReason.hotfix).toBeGreaterThan(
        0,
      );
      expect(metrics.current.recoveryTime.incidents.opened).toBeGreaterThan(0);

      const environments = await app.get<{ items: Array<{ name: string }> }>(
        '/environments?scope=service&ref=component:default/orders-service',
      );
      expect(environments.items.map(e => e.name)).toEqual([
        'production',
        'staging',
      ]);
      const library = await app.get<DoraMetricsResponse>(
        `/metrics?scope=service&ref=component:default/freight-common&${range}`,
      );
      expect(library.current.deploymentFrequency.deployments).toBe(0);
    });

    it('stores nothing twice when the same history is sent again', async () => {
      const before = events.filter(e =>
        e.type === 'incident'
          ? inWindow(e.resolvedAt ?? e.openedAt)
          : inWindow(e.type === 'deployment' ? e.finishedAt : e.mergedAt!),
      );
      for (let i = 0; i < before.length; i += 500) {
        const batch = before.slice(i, i + 500);
        const res = await app.post(batch);
        expect(res.status).toBe(200);
        expect((await res.json()).duplicates).toBe(batch.length);
      }
    });

    it('shows the fulfilment team elite and the payments team struggling', async () => {
      const team = (name: string, query = '') =>
        app.get<DoraMetricsResponse>(
          `/metrics?scope=team&ref=group:default/${name}${query}`,
        );
      const levels = (m: DoraMetricsResponse) => ({
        deploymentFrequency: m.current.deploymentFrequency.level,
        leadTime: m.current.leadTime.level,
        changeFailureRate: m.current.changeFailureRate.level,
        recoveryTime: m.current.recoveryTime.level,
      });
      // The default window (30 days), what the DORA page opens with.
      const fulfilment = await team('fulfilment-team');
      expect(levels(fulfilment)).toEqual({
        deploymentFrequency: 'elite',
        leadTime: 'elite',
        changeFailureRate: 'elite',
        recoveryTime: 'elite',
      });
      expect(fulfilment.trend.deploymentFrequency).not.toBe('unknown');
      // Recovery takes days: the last failures of a month may not be fixed
      // yet, so its level is asserted over 90 days.
      const payments = await team(
        'payments-team',
        `&from=${new Date(today - 90 * DAY).toISOString()}&to=${new Date(
          today,
        ).toISOString()}`,
      );
      expect(levels(payments)).toMatchObject({
        leadTime: 'low',
        changeFailureRate: 'low',
        recoveryTime: 'low',
      });
      expect(payments.current.deploymentFrequency.perWeek).toBeLessThan(
        fulfilment.current.deploymentFrequency.perWeek / 5,
      );
    });
  });

  it.each([
    ['not configured', {}],
    ['disabled', { pavedRoad: { standIns: { enabled: false } } }],
    [
      'configured off',
      { pavedRoad: { standIns: { doraHistory: { enabled: false } } } },
    ],
  ])('sends nothing when the stand-ins are %s', async (_, config) => {
    const app = await start({ ...config, dora: enabled.dora });
    try {
      await new Promise(r => setTimeout(r, 1_000));
      const { items } = await app.get<{ items: unknown[] }>(
        `/deployments?from=${new Date(Date.now() - 200 * DAY).toISOString()}`,
      );
      expect(items).toEqual([]);
    } finally {
      await app.backend.stop();
    }
  });

  it('refuses to start with NODE_ENV=production', async () => {
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(start(enabled)).rejects.toThrow(
        'pavedRoad.standIns is configured but NODE_ENV is "production"',
      );
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  });

  it('says what to configure when the DORA API refuses it', async () => {
    const logger = mockServices.logger.mock();
    const app = await start({ pavedRoad: enabled.pavedRoad }, { logger });
    try {
      await eventually(
        async () => logger.error.mock.calls.length,
        n => n > 0,
      );
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining(
          'needs dora.ingestion.allowedSubjects: [plugin:dora]',
        ),
      );
    } finally {
      await app.backend.stop();
    }
  });
});
