import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { onCallProvidersExtensionPoint } from '@internal/plugin-oncall-node';
import { readPagerDutyConfig } from './config';
import { PagerDutyOnCallProvider } from './provider/PagerDutyOnCallProvider';

/**
 * The PagerDuty on-call source: adds {@link PagerDutyOnCallProvider},
 * configured from `oncall.pagerduty`, to the on-call backend. Refuses to
 * start without `oncall.pagerduty.token`: installed without a key, the
 * module could only fail later, on every on-call card.
 *
 * @public
 */
export const onCallModulePagerDuty = createBackendModule({
  pluginId: 'oncall',
  moduleId: 'pagerduty',
  register({ registerInit }) {
    registerInit({
      deps: {
        providers: onCallProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        // Throws, naming oncall.pagerduty.token, when it is not set.
        const provider = PagerDutyOnCallProvider.fromConfig(config, {
          logger,
        });
        providers.addProvider(provider);
        logger.info(
          `PagerDuty on-call source at ${
            readPagerDutyConfig(config).apiBaseUrl
          }`,
        );
      },
    });
  },
});
