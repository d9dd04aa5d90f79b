import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { OnCallSummary } from '../../onCallSummary';
import { Missing, Section } from '../common';

/** The owning team and how to reach it, or why there is none. */
export function OwnerSection({ summary }: { summary: OnCallSummary }) {
  const { owner } = summary;
  return (
    <Section title="Owning team">
      {owner ? (
        <>
          <EntityRefLink entityRef={owner.ref} title={owner.name} />
          {owner.slackChannel && (
            <Typography variant="body2">Slack: {owner.slackChannel}</Typography>
          )}
          {owner.email && (
            <Typography variant="body2">
              Email: <Link to={`mailto:${owner.email}`}>{owner.email}</Link>
            </Typography>
          )}
        </>
      ) : (
        <Missing>
          {summary.unknownOwnerRef
            ? `Owner ${summary.unknownOwnerRef} is not in the catalog.`
            : 'No owner: this component has no owning team.'}{' '}
          Set spec.owner to a team in catalog-info.yaml.
        </Missing>
      )}
    </Section>
  );
}
