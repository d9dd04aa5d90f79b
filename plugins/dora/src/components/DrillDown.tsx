import { ReactNode, useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TablePagination from '@material-ui/core/TablePagination';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DoraChangeRow,
  DoraDeploymentRow,
  DoraIncidentRow,
  DoraListResponse,
} from '@internal/plugin-dora-common';
import useAsync from 'react-use/esm/useAsync';
import { DoraQuery, doraApiRef } from '../api';
import { formatDuration, formatTimestamp } from './format';

export type DrillDownTab = 'deployments' | 'changes' | 'incidents';

const LIMIT = 100;
/** Rows on one page of a drill-down table: the card stays a screen long. */
const PAGE_SIZE = 20;

const TAB_LABELS: Record<DrillDownTab, string> = {
  deployments: 'Deployments',
  changes: 'Changes',
  incidents: 'Incidents',
};

const LINK_METHODS: Record<DoraIncidentRow['linkMethod'], string> = {
  explicit: 'explicit (event)',
  rollback: 'rollback',
  window: 'latest deployment in window',
  none: 'not linked',
};

function short(sha: string | null): string {
  return sha ? sha.slice(0, 8) : '—';
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

function DeploymentsTable(props: {
  rows: DoraDeploymentRow[];
  showService: boolean;
}) {
  return (
    <Table size="small" aria-label="Deployments">
      <TableHead>
        <TableRow>
          <TableCell>Finished</TableCell>
          {props.showService && <TableCell>Service</TableCell>}
          <TableCell>Environment</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Kind</TableCell>
          <TableCell>Commit</TableCell>
          <TableCell>Change failure</TableCell>
          <TableCell>Source</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map(d => (
          <TableRow key={d.id}>
            <TableCell>{formatTimestamp(d.finishedAt)}</TableCell>
            {props.showService && (
              <TableCell>
                <Service entityRef={d.service} />
              </TableCell>
            )}
            <TableCell>
              {d.environment} ({d.environmentTier})
            </TableCell>
            <TableCell>{d.status}</TableCell>
            <TableCell>{d.kind}</TableCell>
            <TableCell>
              <code>{short(d.commitSha)}</code>
            </TableCell>
            <TableCell>{d.failed ? 'yes' : 'no'}</TableCell>
            <TableCell>
              {d.source}
              {d.externalId ? ` #${d.externalId}` : ''}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function ChangesTable(props: { rows: DoraChangeRow[]; showService: boolean }) {
  return (
    <Table size="small" aria-label="Changes">
      <TableHead>
        <TableRow>
          <TableCell>Deployed</TableCell>
          {props.showService && <TableCell>Service</TableCell>}
          <TableCell>Commit</TableCell>
          <TableCell>PR</TableCell>
          <TableCell>Authored</TableCell>
          <TableCell>PR opened</TableCell>
          <TableCell>Merged</TableCell>
          <TableCell>Lead time</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map(c => (
          <TableRow key={c.id}>
            <TableCell>{formatTimestamp(c.deployedAt)}</TableCell>
            {props.showService && (
              <TableCell>
                <Service entityRef={c.service} />
              </TableCell>
            )}
            <TableCell>
              <code>{short(c.commitSha)}</code>
            </TableCell>
            <TableCell>{c.prNumber ? `#${c.prNumber}` : '—'}</TableCell>
            <TableCell>{formatTimestamp(c.authoredAt)}</TableCell>
            <TableCell>{formatTimestamp(c.prOpenedAt)}</TableCell>
            <TableCell>{formatTimestamp(c.mergedAt)}</TableCell>
            <TableCell>
              {formatDuration(leadTimeMs(c))}
              {c.squashMerge ? ' (from PR open, squash merge)' : ''}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function IncidentsTable(props: {
  rows: DoraIncidentRow[];
  showService: boolean;
}) {
  return (
    <Table size="small" aria-label="Incidents">
      <TableHead>
        <TableRow>
          <TableCell>Opened</TableCell>
          {props.showService && <TableCell>Service</TableCell>}
          <TableCell>Incident</TableCell>
          <TableCell>Resolved</TableCell>
          <TableCell>Time to resolve</TableCell>
          <TableCell>Linked to deployment</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map(i => (
          <TableRow key={i.id}>
            <TableCell>{formatTimestamp(i.openedAt)}</TableCell>
            {props.showService && (
              <TableCell>
                <Service entityRef={i.service} />
              </TableCell>
            )}
            <TableCell>
              {[i.externalId, i.title].filter(Boolean).join(' — ') || i.id}
            </TableCell>
            <TableCell>
              {i.resolvedAt ? formatTimestamp(i.resolvedAt) : 'still open'}
            </TableCell>
            <TableCell>
              {i.resolvedAt
                ? formatDuration(
                    Date.parse(i.resolvedAt) - Date.parse(i.openedAt),
                  )
                : '—'}
            </TableCell>
            <TableCell>
              {LINK_METHODS[i.linkMethod]}
              {i.causedByDeploymentId ? ` (${i.causedByDeploymentId})` : ''}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function DrillDownList(props: { tab: DrillDownTab; query: DoraQuery }) {
  const api = useApi(doraApiRef);
  const { tab, query } = props;
  const { scope, ref, from, to, environment } = query;
  const state = useAsync(async (): Promise<DoraListResponse<unknown>> => {
    const q = { scope, ref, from, to, environment };
    if (tab === 'deployments') return api.listDeployments(q, { limit: LIMIT });
    if (tab === 'changes') return api.listChanges(q, { limit: LIMIT });
    return api.listIncidents(q, { limit: LIMIT });
  }, [api, tab, scope, ref, from, to, environment]);
  const [page, setPage] = useState(0);
  useEffect(() => setPage(0), [state.value]);

  if (state.loading) return <Progress />;
  if (state.error) {
    return (
      <ResponseErrorPanel error={state.error} title={`Could not load ${tab}`} />
    );
  }
  const { items: all, truncated } = state.value!;
  const items = all.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  if (all.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No {tab} in this window.
      </Typography>
    );
  }
  const showService = scope !== 'service';
  let table: ReactNode;
  if (tab === 'deployments') {
    table = (
      <DeploymentsTable
        rows={items as DoraDeploymentRow[]}
        showService={showService}
      />
    );
  } else if (tab === 'changes') {
    table = (
      <ChangesTable rows={items as DoraChangeRow[]} showService={showService} />
    );
  } else {
    table = (
      <IncidentsTable
        rows={items as DoraIncidentRow[]}
        showService={showService}
      />
    );
  }
  return (
    <>
      <Box overflow="auto">{table}</Box>
      {all.length > PAGE_SIZE && (
        <TablePagination
          component="div"
          count={all.length}
          page={page}
          onPageChange={(_event, next) => setPage(next)}
          rowsPerPage={PAGE_SIZE}
          rowsPerPageOptions={[PAGE_SIZE]}
        />
      )}
      {truncated && (
        <Typography variant="caption" color="textSecondary">
          Showing the newest {LIMIT}.
        </Typography>
      )}
    </>
  );
}

/** The deployments, changes and incidents behind the figures. */
export function DrillDown(props: {
  query: DoraQuery;
  tab: DrillDownTab;
  onTabChange: (tab: DrillDownTab) => void;
}) {
  const { environment } = props.query;
  return (
    <InfoCard
      title="Behind the figures"
      subheader={
        environment
          ? `Deployments to ${environment} finished, changes first deployed to ${environment} and incidents linked to a deployment in ${environment}, opened in this window, newest first.`
          : 'Deployments finished, changes first deployed to production and incidents opened in this window, newest first. Deployments of every tier are listed; only successful production ones count.'
      }
    >
      <Tabs
        value={props.tab}
        onChange={(_e, value) => props.onTabChange(value)}
        indicatorColor="primary"
        textColor="primary"
        aria-label="Drill-down"
      >
        {(Object.keys(TAB_LABELS) as DrillDownTab[]).map(tab => (
          <Tab key={tab} value={tab} label={TAB_LABELS[tab]} />
        ))}
      </Tabs>
      <Box mt={2}>
        <DrillDownList tab={props.tab} query={props.query} />
      </Box>
    </InfoCard>
  );
}
