import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';

/**
 * The on-call sources this portal is configured for: PagerDuty when
 * `oncall.pagerduty` is set and not `enabled: false` (its module refuses to start without a token,
 * so a portal without PagerDuty must not load it). Without a source the
 * on-call backend answers from the `paved-road.io/on-call` annotation.
 */
export const onCallSourcesLoader = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  async *loader({ config }) {
    if (
      config.has('oncall.pagerduty') &&
      config.getOptionalBoolean('oncall.pagerduty.enabled') !== false
    ) {
      yield import('@internal/plugin-oncall-backend-module-pagerduty');
    }
  },
});
