import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scorecardHistoryExtensionPoint } from '@internal/plugin-scorecard-node';
import {
  DEFAULT_HISTORY_DAYS,
  exampleScorecardPastView,
} from './scorecardHistory';
import { readStandInsConfig } from './standIns';

/**
 * Embedded default only: gives the scorecard months of history for the
 * example organisation, so the score sparklines and the organisation trend
 * show the teams adopting the platform standards rather than a single dot.
 * It registers a past view of the catalog (see `exampleScorecardPastView`);
 * the scorecard replays it with its real evaluator, in the background at the
 * first scheduled evaluation, into a database without history.
 *
 * Runs under the same guard as the other stand-ins (`pavedRoad.standIns`
 * configured, not `enabled: false`, never with NODE_ENV=production; off alone
 * with `pavedRoad.standIns.scorecardHistory.enabled: false`).
 */
export const scorecardModuleExampleHistory = createBackendModule({
  pluginId: 'scorecard',
  moduleId: 'example-history',
  register({ registerInit }) {
    registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        history: scorecardHistoryExtensionPoint,
      },
      async init({ config, logger, history }) {
        const standIns = readStandInsConfig(config);
        const settings = standIns?.getOptionalConfig('scorecardHistory');
        if (!standIns || settings?.getOptionalBoolean('enabled') === false) {
          return;
        }
        const days =
          settings?.getOptionalNumber('days') ?? DEFAULT_HISTORY_DAYS;
        if (!Number.isInteger(days) || days < 1 || days > 730) {
          throw new Error(
            `pavedRoad.standIns.scorecardHistory.days must be a whole number of days from 1 to 730, not ${days}`,
          );
        }
        history.setPastView(
          exampleScorecardPastView({ now: new Date(), days }),
        );
        logger.warn(
          `Example scorecard history registered: ${days} days of a simulated past of the example services, replayed into a scorecard database without history`,
        );
      },
    });
  },
});
