import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The real scorecard, evaluator and all, is what replays the history.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import scorecardPlugin from '@internal/plugin-scorecard-backend';
import { AddressInfo } from 'node:net';
import { exampleOrganisation } from './__testUtils__/exampleOrganisation';
import { scorecardModuleExampleHistory } from './scorecardModule';

jest.setTimeout(60_000);

type Snapshot = { day: string; score: number | null };

async function start(config: object) {
  let scheduler: SchedulerService | undefined;
  // The scorecard's own scheduler, to run its tasks when the test says.
  const schedulerOf = createBackendModule({
    pluginId: 'scorecard',
    moduleId: 'test-scheduler',
    register(reg) {
      reg.registerInit({
        deps: { pluginScheduler: coreServices.scheduler },
        async init({ pluginScheduler }) {
          scheduler = pluginScheduler;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      scorecardPlugin,
      scorecardModuleExampleHistory,
      schedulerOf,
      mockServices.rootConfig.factory({ data: config }),
      catalogServiceMock.factory({ entities: exampleOrganisation }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`http://localhost:${port}/api/scorecard${path}`, {
      headers: { Authorization: mockCredentials.user.header() },
    });
    expect(res.status).toBe(200);
    return res.json();
  };
  return {
    backend,
    /** Runs the scheduled full evaluation, as the scheduler would. */
    evaluateAll: () => scheduler!.triggerTask('scorecard-evaluate-all'),
    trend: async () =>
      (await get<{ days: Snapshot[] }>('/trend?days=200')).days,
    /** Score by days before today (0: today). */
    scores: async (name: string) => {
      const { snapshots } = await get<{ snapshots: Snapshot[] }>(
        `/entities/component/default/${name}/history?days=200`,
      );
      const today = Date.parse(new Date().toISOString().slice(0, 10));
      return new Map(
        snapshots.map(s => [
          Math.round((today - Date.parse(s.day)) / 86_400_000),
          s.score,
        ]),
      );
    },
  };
}

describe('scorecardModuleExampleHistory', () => {
  describe('with the stand-ins on', () => {
    let app: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      app = await start({ pavedRoad: { standIns: { token: 't' } } });
      await app.evaluateAll();
    });
    afterAll(() => app.backend.stop());

    it('gives the scorecard 120 days of history before today, and a rising trend', async () => {
      const trend = await app.trend();
      expect(trend).toHaveLength(121);
      const first = trend[0].score!;
      const last = trend[trend.length - 1].score!;
      expect(last - first).toBeGreaterThan(0.25);
    });

    it('shows the fulfilment team early, the payments team late and a lapse', async () => {
      const orders = await app.scores('orders-service');
      const payments = await app.scores('payments-service');
      const storefront = await app.scores('storefront-web');
      const checkout = await app.scores('checkout-service');
      expect(orders.size).toBe(121);
      // Fulfilment: today's score two thirds of the span ago.
      expect(orders.get(120)).toBeLessThan(orders.get(0)!);
      expect(orders.get(78)).toBe(orders.get(0));
      // Payments: there only in the last weeks.
      expect(payments.get(47)).toBeLessThan(payments.get(0)!);
      expect(payments.get(30)).toBeLessThan(payments.get(0)!);
      expect(payments.get(1)).toBe(payments.get(0));
      // Storefront-web lost its monitoring for a while.
      expect(storefront.get(30)).toBeLessThan(storefront.get(40)!);
      expect(storefront.get(10)).toBe(storefront.get(40));
      // The new checkout was created during the span.
      expect(Math.max(...checkout.keys())).toBeLessThan(120);
    });
  });

  it.each([
    ['not configured', {}],
    ['disabled', { pavedRoad: { standIns: { enabled: false } } }],
    [
      'configured off',
      { pavedRoad: { standIns: { scorecardHistory: { enabled: false } } } },
    ],
  ])('replays nothing when the stand-ins are %s', async (_, config) => {
    const app = await start(config);
    try {
      await app.evaluateAll();
      expect(await app.trend()).toHaveLength(1);
    } finally {
      await app.backend.stop();
    }
  });

  it('refuses to start with NODE_ENV=production', async () => {
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(
        start({ pavedRoad: { standIns: { token: 't' } } }),
      ).rejects.toThrow(
        'pavedRoad.standIns is configured but NODE_ENV is "production"',
      );
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  });

  it('says what a bad number of days should be', async () => {
    await expect(
      start({ pavedRoad: { standIns: { scorecardHistory: { days: 0 } } } }),
    ).rejects.toThrow(
      'pavedRoad.standIns.scorecardHistory.days must be a whole number of days from 1 to 730, not 0',
    );
  });
});
