import { mockServices } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  CriticalFailure,
  NotificationServiceCriticalFailureNotifier,
} from './CriticalFailureNotifier';

/** A notification service that records what it is asked to send. */
function recordingNotifications(
  send: (options: NotificationSendOptions) => Promise<void> = async () => {},
): NotificationService & { sent: NotificationSendOptions[] } {
  const sent: NotificationSendOptions[] = [];
  return {
    sent,
    async send(options) {
      sent.push(options);
      await send(options);
    },
  };
}

const failure: CriticalFailure = {
  entityRef: 'component:default/orders',
  owner: 'group:default/team-a',
  checkId: 'ci-passing',
  checkTitle: 'CI passes',
  reason: 'github.latestRun.conclusion is "failure"',
};

describe('NotificationServiceCriticalFailureNotifier', () => {
  it('sends an entity notification through the notification service', async () => {
    const notifications = recordingNotifications();
    const logger = mockServices.logger.mock();
    const notifier = new NotificationServiceCriticalFailureNotifier({
      notifications,
      logger,
      appBaseUrl: 'https://portal.example',
    });
    await notifier.notify(failure);
    expect(notifications.sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'group:default/team-a' },
        payload: expect.objectContaining({
          title: 'orders fails the critical check "CI passes"',
          link: 'https://portal.example/catalog/default/component/orders',
          severity: 'high',
        }),
      },
    ]);
    expect(notifications.sent[0].payload).toEqual({
      title: 'orders fails the critical check "CI passes"',
      description: 'github.latestRun.conclusion is "failure"',
      link: 'https://portal.example/catalog/default/component/orders',
      severity: 'high',
      topic: 'scorecard-critical',
      scope: 'scorecard:component:default/orders:ci-passing',
    });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('links relative to the app when no base URL is configured', async () => {
    const notifications = recordingNotifications();
    const notifier = new NotificationServiceCriticalFailureNotifier({
      notifications,
      logger: mockServices.logger.mock(),
    });
    await notifier.notify({
      ...failure,
      entityRef: 'api:payments/ledger',
    });
    expect(notifications.sent[0].payload).toMatchObject({
      title: 'ledger fails the critical check "CI passes"',
      link: '/catalog/payments/api/ledger',
      scope: 'scorecard:api:payments/ledger:ci-passing',
    });
  });

  it('logs rather than throws when the notification cannot be sent', async () => {
    const logger = mockServices.logger.mock();
    const notifier = new NotificationServiceCriticalFailureNotifier({
      notifications: recordingNotifications(async () => {
        throw new Error('Failed to send notifications: ECONNREFUSED');
      }),
      logger,
    });
    await expect(notifier.notify(failure)).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Could not notify group:default/team-a that component:default/orders fails ci-passing',
      ),
    );
  });

  it('gives up, and logs, when the notification service does not answer in time', async () => {
    const logger = mockServices.logger.mock();
    const notifier = new NotificationServiceCriticalFailureNotifier({
      notifications: recordingNotifications(() => new Promise(() => {})),
      logger,
      timeoutMs: 20,
    });
    await expect(notifier.notify(failure)).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no answer within 20 ms'),
    );
  });
});
