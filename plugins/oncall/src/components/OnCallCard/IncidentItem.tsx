import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { OnCallIncident } from '@internal/plugin-oncall-common';
import { ageText } from '../../lib/format';

/** `#124 Checkout returns 502`, or the title alone when it has no number. */
export function incidentName(incident: OnCallIncident): string {
  return incident.number === undefined
    ? incident.title
    : `#${incident.number} ${incident.title}`;
}

/**
 * What an incident is and where it stands: status, urgency, age and who
 * has it, linked to its page at the source.
 */
export function IncidentFacts({ incident }: { incident: OnCallIncident }) {
  const facts = [
    incident.status,
    incident.urgency && `${incident.urgency} urgency`,
    `opened ${ageText(incident.createdAt)}`,
    incident.assignees?.length &&
      `assigned to ${incident.assignees.map(a => a.name).join(', ')}`,
  ].filter(Boolean);
  return (
    <Typography variant="caption" color="textSecondary" component="div">
      {facts.join(' · ')}
    </Typography>
  );
}

/** One open incident: its link, then the facts. */
export function IncidentItem({ incident }: { incident: OnCallIncident }) {
  const name = incidentName(incident);
  return (
    <li aria-label={name}>
      <Typography variant="body2" component="div">
        {incident.url ? <Link to={incident.url}>{name}</Link> : name}
      </Typography>
      <IncidentFacts incident={incident} />
    </li>
  );
}
