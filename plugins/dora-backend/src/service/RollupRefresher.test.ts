import { mockServices } from '@backstage/backend-test-utils';
import { RollupRefresher } from './RollupRefresher';

/** A store whose refreshes finish when the test says so. */
function controlledStore() {
  const pending: Array<{ finish: () => void; fail: (e: Error) => void }> = [];
  return {
    pending,
    store: {
      refreshStaleRollups: () =>
        new Promise<void>((finish, fail) => pending.push({ finish, fail })),
    },
  };
}

const settle = () => new Promise(resolve => setTimeout(resolve, 5));

describe('RollupRefresher', () => {
  it('waits before it starts, and folds the requests of that wait into one run', async () => {
    const { store, pending } = controlledStore();
    const refresher = new RollupRefresher({
      store,
      logger: mockServices.logger.mock(),
      delayMs: 50,
    });
    refresher.request();
    refresher.request();
    await settle();
    expect(pending).toHaveLength(0);
    await new Promise(resolve => setTimeout(resolve, 80));
    expect(pending).toHaveLength(1);
    pending[0].finish();
    await refresher.idle();
    expect(pending).toHaveLength(1);
  });

  it('returns at once and folds a burst of requests into one more run', async () => {
    const { store, pending } = controlledStore();
    const refresher = new RollupRefresher({
      store,
      logger: mockServices.logger.mock(),
      delayMs: 0,
    });
    refresher.request();
    await settle();
    expect(pending).toHaveLength(1);
    // Batches stored while the first refresh runs: one further run for all.
    refresher.request();
    refresher.request();
    refresher.request();
    expect(pending).toHaveLength(1);
    pending[0].finish();
    await settle();
    expect(pending).toHaveLength(2);
    pending[1].finish();
    await refresher.idle();
    expect(pending).toHaveLength(2);
  });

  it('logs a failed refresh and runs again on the next request', async () => {
    const { store, pending } = controlledStore();
    const logger = mockServices.logger.mock();
    const refresher = new RollupRefresher({ store, logger, delayMs: 0 });
    refresher.request();
    await settle();
    pending[0].fail(new Error('connection reset'));
    await refresher.idle();
    expect(logger.warn).toHaveBeenCalledWith(
      'DORA rollup refresh failed, the next run retries: Error: connection reset',
    );
    const done = refresher.refresh();
    await settle();
    expect(pending).toHaveLength(2);
    pending[1].finish();
    await done;
  });
});
