import { Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '@internal/paved-road-react';
import {
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  IncidentsAnswer,
} from '@internal/plugin-oncall-common';
import { ReactNode } from 'react';
import { isNotImplemented } from '../../lib/errors';
import { providerName } from '../../lib/format';
import { PollingState } from '../../lib/usePolling';
import { Missing, Section, StaleWarning } from '../common';
import { IncidentItem } from './IncidentItem';

/** How far back the card lists open incidents. */
export const INCIDENT_DAYS = 7;

function capitalized(text: string) {
  return text.charAt(0).toLocaleUpperCase('en-US') + text.slice(1);
}

/** Why there are no incidents to show: the source knows none. */
function NoIncidentsAtSource(props: { providerId?: string }) {
  const text =
    !props.providerId || props.providerId === 'none'
      ? 'No on-call source, so no incidents.'
      : `${capitalized(
          providerName(props.providerId),
        )} knows nothing of incidents: add a ${ANNOTATION_PAGERDUTY_SERVICE_ID} annotation to see and page them here.`;
  return (
    <Typography variant="body2" color="textSecondary">
      {text}
    </Typography>
  );
}

/**
 * The entity's incidents opened in the last week and still open, newest
 * first, with `action` (the button to page the on-call) beside the title.
 */
export function IncidentsSection(props: {
  state: PollingState<IncidentsAnswer>;
  /** The on-call answer's source, to name it when it knows no incidents. */
  providerId?: string;
  action?: ReactNode;
}) {
  const { value, error, loading } = props.state;
  let content: ReactNode;
  if (loading) {
    content = <Progress />;
  } else if (error && isNotImplemented(error)) {
    content = <NoIncidentsAtSource providerId={props.providerId} />;
  } else if (error && !value) {
    content = (
      <Missing>Could not load the incidents: {errorMessage(error)}</Missing>
    );
  } else if (value) {
    content = (
      <>
        <StaleWarning provenance={value} />
        {value.incidents.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No open incidents opened in the last {INCIDENT_DAYS} days.
          </Typography>
        ) : (
          <Box component="ul" m={0} pl={2.5}>
            {value.incidents.map(incident => (
              <IncidentItem key={incident.id} incident={incident} />
            ))}
          </Box>
        )}
        {error && (
          <Typography variant="caption" color="error">
            Could not refresh: {errorMessage(error)}
          </Typography>
        )}
      </>
    );
  }
  return (
    <Section title="Open incidents" action={props.action}>
      {content}
    </Section>
  );
}
