import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { OnCallLevel, OnCallShift } from '@internal/plugin-oncall-common';
import { levelName, whenText } from '../../lib/format';
import { ContactLinks, ContactName } from '../common';

function Until({ shift }: { shift: OnCallShift }) {
  return (
    <Typography variant="body2" component="span" color="textSecondary">
      {shift.until ? ` until ${whenText(shift.until)}` : ' no planned end'}
    </Typography>
  );
}

/** Who answers at one escalation level now, how to reach them, and who is next. */
export function LevelView(props: { level: OnCallLevel; sourceName: string }) {
  const { level, sourceName } = props;
  const name = levelName(level.level);
  // The next handover is when the current shifts end; none without an end.
  const handover = level.now.find(s => s.until)?.until;
  return (
    <li aria-label={name}>
      {level.now.length === 0 && (
        <Typography variant="body2">
          <strong>{name}:</strong> nobody on call
        </Typography>
      )}
      {level.now.map((shift, i) => (
        <div key={i}>
          <Typography variant="body2" component="div">
            <strong>{name}:</strong> <ContactName contact={shift.contact} />
            <Until shift={shift} />
            {shift.schedule && (
              <Typography
                variant="body2"
                component="span"
                color="textSecondary"
              >
                {' · '}
                {shift.schedule.url ? (
                  <Link to={shift.schedule.url}>{shift.schedule.name}</Link>
                ) : (
                  shift.schedule.name
                )}
              </Typography>
            )}
          </Typography>
          <ContactLinks contact={shift.contact} sourceName={sourceName} />
        </div>
      ))}
      {level.next.map((shift, i) => (
        <Typography variant="body2" color="textSecondary" key={i}>
          Next: <ContactName contact={shift.contact} />
          {shift.from && `, from ${whenText(shift.from)}`}
        </Typography>
      ))}
      {level.next.length === 0 && handover && (
        <Typography variant="body2" color="textSecondary">
          Next: nobody scheduled from {whenText(handover)}
        </Typography>
      )}
    </li>
  );
}
