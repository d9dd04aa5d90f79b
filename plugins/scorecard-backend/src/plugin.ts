import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import { readDurationFromConfig } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { DAY_MS } from '@internal/paved-road-common';
import { scorecardPermissions } from '@internal/plugin-scorecard-common';
import {
  scorecardHistoryExtensionPoint,
  ScorecardPastView,
} from '@internal/plugin-scorecard-node';
import { CheckLoader } from './checks/CheckLoader';
import { DatabaseScorecardStore } from './database/DatabaseScorecardStore';
import { Evaluator } from './evaluation/Evaluator';
import { NotificationServiceCriticalFailureNotifier } from './evaluation/CriticalFailureNotifier';
import { HistoryReplay } from './evaluation/HistoryReplay';
import {
  ALLOWED_ORGANIZATIONS_KEY,
  GitHubFactSource,
} from './facts/GitHubFactSource';
import { OnCallFactSource } from './facts/OnCallFactSource';
import { TechDocsFactSource } from './facts/TechDocsFactSource';
import { createRouter } from './service/router';

// The first evaluation soon after start, so a first visit (a new portal, a
// newcomer on the embedded default) finds scores, not "not evaluated yet".
const DEFAULT_FULL_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { seconds: 15 },
};
const DEFAULT_CHANGES_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 2 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 30 },
};

/**
 * The scorecard backend plugin: checks authored in YAML, evaluated over the
 * catalog on the scheduler and on demand, results stored with history.
 *
 * @public
 */
export const scorecardPlugin = createBackendPlugin({
  pluginId: 'scorecard',
  register(env) {
    let pastView: ScorecardPastView | undefined;
    env.registerExtensionPoint(scorecardHistoryExtensionPoint, {
      setPastView(view) {
        if (pastView) {
          throw new Error(
            'A scorecard past view is already registered: only one module may set it',
          );
        }
        pastView = view;
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        urlReader: coreServices.urlReader,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        discovery,
        urlReader,
        permissions,
        permissionsRegistry,
        auditor,
        catalog,
        notifications,
      }) {
        permissionsRegistry.addPermissions(scorecardPermissions);

        const checks = await CheckLoader.create({ config, logger });
        const store = await DatabaseScorecardStore.create({ database });
        const staleAfterMs = config.has('scorecard.staleAfter')
          ? durationToMilliseconds(
              readDurationFromConfig(config, { key: 'scorecard.staleAfter' }),
            )
          : DAY_MS;
        const github = GitHubFactSource.fromConfig(config, logger);
        if (!github.configured) {
          logger.warn(
            'scorecard.github is not configured: ci-passing will report no data',
          );
        } else if (!github.restricted) {
          logger.warn(
            `${ALLOWED_ORGANIZATIONS_KEY} is not set: ci-passing reads the workflow runs of whatever repository github.com/project-slug names, in any organisation`,
          );
        }
        const evaluator = new Evaluator({
          catalog,
          auth,
          store,
          getChecks: () => checks.getChecks(),
          sources: {
            techdocs: new TechDocsFactSource({
              reader: urlReader,
              integrations: ScmIntegrations.fromConfig(config),
              discovery,
              auth,
              logger,
            }),
            github,
            // Without the on-call backend (404 at /api/oncall), has-oncall
            // reads the annotations, as it did before it existed.
            oncall: new OnCallFactSource({ discovery, auth, logger }),
          },
          logger,
          staleAfterMs,
          batchSize: config.getOptionalNumber('scorecard.batchSize'),
          concurrency: config.getOptionalNumber('scorecard.concurrency'),
          notifier:
            config.getOptionalBoolean('scorecard.notifications.enabled') ===
            false
              ? undefined
              : new NotificationServiceCriticalFailureNotifier({
                  notifications,
                  logger,
                  appBaseUrl: config.getOptionalString('app.baseUrl'),
                }),
        });

        // Development aid (the embedded default's example history): the past
        // replayed before the first scheduled evaluation of today.
        const history = pastView
          ? new HistoryReplay({ evaluator, store, view: pastView, logger })
          : undefined;

        const schedule = (
          key: string,
          fallback: typeof DEFAULT_FULL_SCHEDULE,
        ) =>
          config.has(key)
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                config.getConfig(key),
              )
            : fallback;

        // Each replica keeps its own copy of the checks: reload locally.
        await scheduler.scheduleTask({
          id: 'scorecard-reload-checks',
          scope: 'local',
          frequency: { seconds: 30 },
          timeout: { seconds: 30 },
          fn: async () => {
            await checks.reload();
          },
        });
        // Evaluation is global: one replica at a time, through the scheduler's lock.
        await scheduler.scheduleTask({
          id: 'scorecard-evaluate-all',
          ...schedule('scorecard.schedule', DEFAULT_FULL_SCHEDULE),
          fn: async () => {
            await checks.reload();
            await history?.run();
            await evaluator.evaluateAll();
          },
        });
        await scheduler.scheduleTask({
          id: 'scorecard-evaluate-changed',
          ...schedule('scorecard.changesSchedule', DEFAULT_CHANGES_SCHEDULE),
          fn: async () => {
            if (history && !(await history.settled())) {
              logger.debug(
                'Scorecard change run skipped: the history replay comes first',
              );
              return;
            }
            await checks.reload();
            await evaluator.evaluateAll({ onlyChanged: true });
          },
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            auditor,
            store,
            evaluator,
            checks,
            staleAfterMs,
          }),
        );
      },
    });
  },
});
