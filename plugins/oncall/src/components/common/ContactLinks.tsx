import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { OnCallContact } from '@internal/plugin-oncall-common';
import { Fragment } from 'react';

/**
 * How to reach a person on call: email, phone and their page at the source
 * (`sourceName`, e.g. "PagerDuty"), whichever the source knows.
 */
export function ContactLinks(props: {
  contact: OnCallContact;
  sourceName: string;
}) {
  const { contact, sourceName } = props;
  const links = [
    contact.email && (
      <Link key="email" to={`mailto:${contact.email}`}>
        {contact.email}
      </Link>
    ),
    contact.phone && (
      <Link key="phone" to={`tel:${contact.phone}`}>
        {contact.phone}
      </Link>
    ),
    contact.url && (
      <Link key="url" to={contact.url}>
        {`${contact.name} on ${sourceName}`}
      </Link>
    ),
  ].filter(Boolean);
  if (links.length === 0) {
    return null;
  }
  return (
    <Typography variant="body2" component="div">
      {links.map((link, i) => (
        <Fragment key={i}>
          {i > 0 && ' · '}
          {link}
        </Fragment>
      ))}
    </Typography>
  );
}
