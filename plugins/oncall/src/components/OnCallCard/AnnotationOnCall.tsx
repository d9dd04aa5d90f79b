import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_ON_CALL,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  OnCallAnswer,
} from '@internal/plugin-oncall-common';
import { ContactLinks, ContactName, Missing } from '../common';

/**
 * The person the `paved-road.io/on-call` annotation names: always on call,
 * with no schedule, escalation or incidents.
 */
export function AnnotationOnCall({ answer }: { answer: OnCallAnswer }) {
  const shifts = answer.rotations.flatMap(r => r.levels).flatMap(l => l.now);
  return (
    <>
      {shifts.map((shift, i) =>
        shift.contact.notInCatalog ? (
          <Missing key={i}>
            On-call {shift.contact.name} is not in the catalog.
          </Missing>
        ) : (
          <div key={i}>
            <ContactName contact={shift.contact} />
            <ContactLinks contact={shift.contact} sourceName="the catalog" />
          </div>
        ),
      )}
      <Typography variant="caption" color="textSecondary" component="p">
        From the {ANNOTATION_ON_CALL} annotation: no schedule or escalation. For
        those, add a {ANNOTATION_PAGERDUTY_SERVICE_ID} annotation.
      </Typography>
    </>
  );
}
