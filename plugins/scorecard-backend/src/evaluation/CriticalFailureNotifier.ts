import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';

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

/**
 * Sends Backstage notifications through the notifications backend's
 * service-to-service endpoint (the same request `DefaultNotificationService`
 * of @backstage/plugin-notifications-node makes; that package is not a
 * dependency of this plugin yet). Failures are logged, never thrown: a
 * missing notifications backend must not stop evaluation.
 */
export class HttpCriticalFailureNotifier implements CriticalFailureNotifier {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** Base URL of the portal's frontend, for the link in the notification. */
      appBaseUrl?: string;
    },
  ) {}

  async notify(failure: CriticalFailure): Promise<void> {
    const { discovery, auth, logger, appBaseUrl } = this.options;
    try {
      const baseUrl = await discovery.getBaseUrl('notifications');
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'notifications',
      });
      const [kind, rest] = failure.entityRef.split(':');
      const [namespace, name] = rest.split('/');
      const response = await fetch(baseUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          Authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({
          recipients: { type: 'entity', entityRef: failure.owner },
          payload: {
            title: `${name} fails the critical check "${failure.checkTitle}"`,
            description: failure.reason,
            link: `${appBaseUrl ?? ''}/catalog/${namespace}/${kind}/${name}`,
            severity: 'high',
            topic: 'scorecard-critical',
            scope: `scorecard:${failure.entityRef}:${failure.checkId}`,
          },
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) {
        throw new Error(`notifications answered ${response.status}`);
      }
    } catch (error) {
      logger.warn(
        `Could not notify ${failure.owner} that ${failure.entityRef} fails ${failure.checkId}: ${error}`,
      );
    }
  }
}
