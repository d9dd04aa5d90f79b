import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';

export interface CriticalFailure {
  entityRef: string;
  owner: string;
  checkId: string;
  checkTitle: string;
  reason: string;
}

/** Tells an owning team that one of its services started failing a critical check. */
export interface CriticalFailureNotifier {
  notify(failure: CriticalFailure): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** `promise`, or a rejection once `ms` have passed without it settling. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends Backstage notifications through the notification service of
 * @backstage/plugin-notifications-node (the plugin's `notificationService`
 * dependency). Failures are logged, never thrown, and a notifications backend
 * that does not answer within the timeout is given up on: neither may stop
 * or stall evaluation.
 */
export class NotificationServiceCriticalFailureNotifier
  implements CriticalFailureNotifier
{
  constructor(
    private readonly options: {
      notifications: NotificationService;
      logger: LoggerService;
      /** Base URL of the portal's frontend, for the link in the notification. */
      appBaseUrl?: string;
      /** How long to wait for the notification to be sent. Default 10 s. */
      timeoutMs?: number;
    },
  ) {}

  async notify(failure: CriticalFailure): Promise<void> {
    const { notifications, logger, appBaseUrl } = this.options;
    try {
      const { kind, namespace, name } = parseEntityRef(failure.entityRef);
      await within(
        notifications.send({
          recipients: { type: 'entity', entityRef: failure.owner },
          payload: {
            title: `${name} fails the critical check "${failure.checkTitle}"`,
            description: failure.reason,
            link: `${appBaseUrl ?? ''}/catalog/${namespace}/${kind}/${name}`,
            severity: 'high',
            topic: 'scorecard-critical',
            // Same scope (and origin, this plugin): the notifications backend
            // updates the earlier notification instead of adding another.
            scope: `scorecard:${failure.entityRef}:${failure.checkId}`,
          },
        }),
        this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      );
    } catch (error) {
      logger.warn(
        `Could not notify ${failure.owner} that ${failure.entityRef} fails ${failure.checkId}: ${error}`,
      );
    }
  }
}
