import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import CheckCircleOutlineIcon from '@material-ui/icons/CheckCircleOutline';
import InfoOutlinedIcon from '@material-ui/icons/InfoOutlined';
import WarningIcon from '@material-ui/icons/Warning';
import { InfoCard } from '@backstage/core-components';
import {
  DoraDataQualityResponse,
  DoraFigures,
} from '@internal/plugin-dora-common';
import { deploymentsOf, targetPlace } from '../../lib/definitions';
import { formatPercent } from '../../lib/format';

interface Finding {
  severity: 'warning' | 'info';
  text: string;
  secondary: string;
}

/** `n` and what is said of them, in the singular for one. */
function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Everything that makes the figures less complete than they look. */
export function dataQualityFindings(
  figures: DoraFigures,
  quality: DoraDataQualityResponse,
): Finding[] {
  const findings: Finding[] = [];
  const { leadTime, recoveryTime } = figures;
  const { target } = quality;
  const picked = 'environment' in target;
  if (leadTime.prOpenFallbacks > 0) {
    findings.push({
      severity: 'warning',
      text: `${leadTime.prOpenFallbacks} of ${
        leadTime.changes
      } deployed commits (${formatPercent(
        leadTime.changes ? leadTime.prOpenFallbacks / leadTime.changes : null,
      )}) ${
        leadTime.prOpenFallbacks === 1 ? 'starts its' : 'start their'
      } lead time at PR open (squash-merge fallback)`,
      secondary:
        'A squash merge hides the branch commits, so coding time before the pull request was opened is not counted for them.',
    });
  }
  if (quality.deploymentsWithoutChanges > 0) {
    findings.push({
      severity: 'warning',
      text: `${quality.deploymentsWithoutChanges} ${deploymentsOf(
        target,
        quality.deploymentsWithoutChanges,
      )} ${
        quality.deploymentsWithoutChanges === 1
          ? 'has no change linked to it'
          : 'have no change linked to them'
      }`,
      secondary:
        'Their commits are missing from lead time. Send change events, or the commits list with each deployment.',
    });
  }
  if (quality.unknownCommits > 0) {
    findings.push({
      severity: 'warning',
      text: counted(
        quality.unknownCommits,
        'deployed commit has no change event',
        'deployed commits have no change event',
      ),
      secondary:
        'Lead time cannot start without the authored time of these commits.',
    });
  }
  if (quality.unlinkedIncidents > 0) {
    findings.push({
      severity: 'warning',
      text: counted(
        quality.unlinkedIncidents,
        'incident is not linked to a deployment',
        'incidents are not linked to a deployment',
      ),
      secondary: picked
        ? 'They cannot be placed in an environment, so these figures leave them out. Send causedByDeployment, or check the incident link window.'
        : 'They do not count towards change failure rate. Send causedByDeployment, or check the incident link window.',
    });
  }
  if (quality.inferredRollbacks > 0) {
    findings.push({
      severity: 'info',
      text: `${quality.inferredRollbacks} ${deploymentsOf(
        target,
        quality.inferredRollbacks,
      )} ${
        quality.inferredRollbacks === 1 ? 'is a rollback' : 'are rollbacks'
      } inferred from the deployment history`,
      secondary:
        'They went back to a commit older than the one live before them, and their events sent no kind: each counts as a rollback of the deployment it replaced (rework, and a failed change for that deployment). Send kind (regular, hotfix or rollback) with a deployment to say otherwise.',
    });
  }
  if (recoveryTime.unrecovered > 0) {
    findings.push({
      severity: 'info',
      text: counted(
        recoveryTime.unrecovered,
        'failed deployment has not recovered yet',
        'failed deployments have not recovered yet',
      ),
      secondary: 'They are not in the recovery-time median until they do.',
    });
  }
  if (recoveryTime.incidents.open > 0) {
    findings.push({
      severity: 'info',
      text: counted(
        recoveryTime.incidents.open,
        'incident opened in this window is still open',
        'incidents opened in this window are still open',
      ),
      secondary: 'They are not in the incident open-to-resolve median.',
    });
  }
  if (quality.undeployedChanges > 0) {
    findings.push({
      severity: 'info',
      text: `${counted(
        quality.undeployedChanges,
        'change authored in this window is',
        'changes authored in this window are',
      )} not deployed to ${picked ? target.environment : 'production'} yet`,
      secondary: 'Never-deployed commits do not count towards lead time.',
    });
  }
  return findings;
}

export function DataQualityPanel(props: {
  figures: DoraFigures;
  quality: DoraDataQualityResponse;
}) {
  const findings = dataQualityFindings(props.figures, props.quality);
  return (
    <InfoCard
      title="Data quality"
      subheader={`What the figures above cannot see. Only deployments to ${targetPlace(
        props.quality.target,
      )} count.`}
    >
      {/* Not dense: the theme cuts dense items to one line, and each
          finding is a sentence or two. */}
      <List disablePadding>
        {findings.length === 0 && (
          <ListItem>
            <ListItemIcon>
              <CheckCircleOutlineIcon color="primary" />
            </ListItemIcon>
            <ListItemText primary="No data-quality issues in this window." />
          </ListItem>
        )}
        {findings.map(f => (
          <ListItem key={f.text}>
            <ListItemIcon>
              {f.severity === 'warning' ? (
                <WarningIcon style={{ color: '#f57c00' }} />
              ) : (
                <InfoOutlinedIcon color="action" />
              )}
            </ListItemIcon>
            <ListItemText primary={f.text} secondary={f.secondary} />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}
