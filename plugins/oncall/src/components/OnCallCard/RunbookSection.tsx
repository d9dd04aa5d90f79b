import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { OnCallSummary } from '../../onCallSummary';
import { Missing, Section } from '../common';

/** The runbook first, then the dashboards. */
export function RunbookSection({ summary }: { summary: OnCallSummary }) {
  return (
    <Section title="Runbook and dashboards">
      {summary.runbooks.length === 0 && (
        <Missing>No runbook: add a link titled "Runbook".</Missing>
      )}
      {[...summary.runbooks, ...summary.dashboards].map(link => (
        <Typography variant="body2" key={link.url}>
          <Link to={link.url}>{link.title}</Link>
        </Typography>
      ))}
    </Section>
  );
}
