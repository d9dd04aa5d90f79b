import Typography from '@material-ui/core/Typography';
import { errorMessage } from '@internal/paved-road-react';
import { Fragment } from 'react';
import { levelOneNow, OnCallResult } from '../../loadOnCall';
import { providerName, whenText } from '../../lib/format';
import { ContactName } from './ContactName';

function Muted(props: { children: string; expected: boolean; title?: string }) {
  return (
    <Typography
      variant="body2"
      component="span"
      color={props.expected ? 'error' : 'textSecondary'}
      title={props.title}
    >
      {props.children}
    </Typography>
  );
}

/**
 * Who answers first for a component now (its primary on every rotation),
 * until when, in a line: for the rows of a list of components. `expected`
 * says whether its absence is a problem (a service) or not (a library);
 * `label` goes before the names, e.g. "on call: ".
 */
export function LevelOneOnCall(props: {
  result: OnCallResult;
  expected: boolean;
  label?: string;
}) {
  const { result, expected, label } = props;
  if (!result.answer) {
    const message = result.error ? errorMessage(result.error) : '';
    return (
      <Muted expected={expected} title={message}>
        {`on-call unknown: ${message}`}
      </Muted>
    );
  }
  const answer = result.answer;
  if (answer.providerId === 'none') {
    return <Muted expected={expected}>no on-call source</Muted>;
  }
  const shifts = levelOneNow(answer);
  if (shifts.length === 0) {
    return <Muted expected={expected}>nobody on call</Muted>;
  }
  return (
    <span>
      {label}
      {shifts.map((shift, i) => (
        <Fragment key={i}>
          {i > 0 && ', '}
          <ContactName contact={shift.contact} />
          {shift.until && (
            <Typography variant="caption" color="textSecondary">
              {` until ${whenText(shift.until)}`}
            </Typography>
          )}
        </Fragment>
      ))}
      {answer.stale && (
        <Typography variant="caption" color="error">
          {` (${providerName(answer.providerId)} unreachable, as of ${whenText(
            answer.fetchedAt,
          )})`}
        </Typography>
      )}
    </span>
  );
}
