import { Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '@internal/paved-road-react';
import { OnCallAnswer } from '@internal/plugin-oncall-common';
import { providerName } from '../../lib/format';
import { PollingState } from '../../lib/usePolling';
import { Missing, Section, StaleWarning } from '../common';
import { AnnotationOnCall } from './AnnotationOnCall';
import { NoOnCallSource } from './NoOnCallSource';
import { RotationView } from './RotationView';

function Answer(props: { answer: OnCallAnswer; hasOwner: boolean }) {
  const { answer, hasOwner } = props;
  if (answer.providerId === 'none') {
    return <NoOnCallSource hasOwner={hasOwner} />;
  }
  if (answer.providerId === 'annotation') {
    return <AnnotationOnCall answer={answer} />;
  }
  const sourceName = providerName(answer.providerId);
  if (answer.rotations.length === 0) {
    return (
      <Missing>
        Nobody on call: {sourceName} has nobody on call for this component.
      </Missing>
    );
  }
  return (
    <>
      {answer.rotations.map((rotation, i) => (
        <RotationView
          key={rotation.service?.id ?? i}
          rotation={rotation}
          sourceName={sourceName}
        />
      ))}
    </>
  );
}

/** Who is on call now for each rotation and level, from the on-call backend. */
export function OnCallNowSection(props: {
  state: PollingState<OnCallAnswer>;
  hasOwner: boolean;
}) {
  const { value, error, loading } = props.state;
  return (
    <Section title="On call now">
      {loading && <Progress />}
      {value && <StaleWarning provenance={value} />}
      {value && <Answer answer={value} hasOwner={props.hasOwner} />}
      {error && !value && (
        <Missing>
          Could not ask the on-call backend: {errorMessage(error)}
          {props.hasOwner && ' (contact the owning team)'}
        </Missing>
      )}
      {error && value && (
        <Typography variant="caption" color="error">
          Could not refresh: {errorMessage(error)}
        </Typography>
      )}
    </Section>
  );
}
