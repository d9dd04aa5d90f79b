import {
  ANNOTATION_ON_CALL,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
} from '@internal/plugin-oncall-common';
import { Missing } from '../common';

/** Nothing says who is on call: how to add a source. */
export function NoOnCallSource({ hasOwner }: { hasOwner: boolean }) {
  return (
    <Missing>
      No on-call source: add a {ANNOTATION_PAGERDUTY_SERVICE_ID} annotation (the
      PagerDuty service) or a {ANNOTATION_ON_CALL} annotation (a user) to
      catalog-info.yaml.{hasOwner && ' Contact the owning team.'}
    </Missing>
  );
}
