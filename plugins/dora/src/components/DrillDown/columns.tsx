import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DoraChangeRow,
  DoraDeploymentRow,
  DoraIncidentRow,
} from '@internal/plugin-dora-common';
import { formatDuration, formatTimestamp } from '../../lib/format';
import { DrillDownColumn } from './DrillDownTable';

const LINK_METHODS: Record<DoraIncidentRow['linkMethod'], string> = {
  explicit: 'explicit (event)',
  rollback: 'rollback',
  window: 'latest deployment in window',
  none: 'not linked',
};

function short(sha: string | null): string {
  return sha ? sha.slice(0, 8) : '—';
}

/** The kind, saying when a rollback was inferred rather than sent. */
export function kindOf(row: DoraDeploymentRow): string {
  return row.rollbackInferred ? `${row.kind} (inferred)` : row.kind;
}

function Service(props: { entityRef: string }) {
  return <EntityRefLink entityRef={props.entityRef} defaultKind="component" />;
}

/** Lead time of one change, by the same start rule as the figure. */
function leadTimeMs(row: DoraChangeRow): number | null {
  const start =
    row.squashMerge && row.prOpenedAt ? row.prOpenedAt : row.authoredAt;
  if (!row.deployedAt) return null;
  return Date.parse(row.deployedAt) - Date.parse(start);
}

export const DEPLOYMENT_COLUMNS: DrillDownColumn<DoraDeploymentRow>[] = [
  { title: 'Finished', render: d => formatTimestamp(d.finishedAt) },
  {
    title: 'Service',
    service: true,
    render: d => <Service entityRef={d.service} />,
  },
  {
    title: 'Environment',
    render: d => (
      <>
        {d.environment} ({d.environmentTier})
      </>
    ),
  },
  { title: 'Status', render: d => d.status },
  { title: 'Kind', render: d => kindOf(d) },
  { title: 'Commit', render: d => <code>{short(d.commitSha)}</code> },
  { title: 'Change failure', render: d => (d.failed ? 'yes' : 'no') },
  {
    title: 'Source',
    render: d => (
      <>
        {d.source}
        {d.externalId ? ` #${d.externalId}` : ''}
      </>
    ),
  },
];

export const CHANGE_COLUMNS: DrillDownColumn<DoraChangeRow>[] = [
  { title: 'Deployed', render: c => formatTimestamp(c.deployedAt) },
  {
    title: 'Service',
    service: true,
    render: c => <Service entityRef={c.service} />,
  },
  { title: 'Commit', render: c => <code>{short(c.commitSha)}</code> },
  { title: 'PR', render: c => (c.prNumber ? `#${c.prNumber}` : '—') },
  { title: 'Authored', render: c => formatTimestamp(c.authoredAt) },
  { title: 'PR opened', render: c => formatTimestamp(c.prOpenedAt) },
  { title: 'Merged', render: c => formatTimestamp(c.mergedAt) },
  {
    title: 'Lead time',
    render: c => (
      <>
        {formatDuration(leadTimeMs(c))}
        {c.squashMerge ? ' (from PR open, squash merge)' : ''}
      </>
    ),
  },
];

export const INCIDENT_COLUMNS: DrillDownColumn<DoraIncidentRow>[] = [
  { title: 'Opened', render: i => formatTimestamp(i.openedAt) },
  {
    title: 'Service',
    service: true,
    render: i => <Service entityRef={i.service} />,
  },
  {
    title: 'Incident',
    render: i => [i.externalId, i.title].filter(Boolean).join(' — ') || i.id,
  },
  {
    title: 'Resolved',
    render: i => (i.resolvedAt ? formatTimestamp(i.resolvedAt) : 'still open'),
  },
  {
    title: 'Time to resolve',
    render: i =>
      i.resolvedAt
        ? formatDuration(Date.parse(i.resolvedAt) - Date.parse(i.openedAt))
        : '—',
  },
  {
    title: 'Linked to deployment',
    render: i => (
      <>
        {LINK_METHODS[i.linkMethod]}
        {i.causedByDeploymentId ? ` (${i.causedByDeploymentId})` : ''}
      </>
    ),
  },
];
