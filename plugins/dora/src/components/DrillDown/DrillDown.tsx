import { ReactNode, useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import TablePagination from '@material-ui/core/TablePagination';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  DoraChangeRow,
  DoraDeploymentRow,
  DoraIncidentRow,
  DoraListResponse,
} from '@internal/plugin-dora-common';
import useAsync from 'react-use/esm/useAsync';
import { DoraQuery, doraApiRef } from '../../api';
import {
  CHANGE_COLUMNS,
  DEPLOYMENT_COLUMNS,
  INCIDENT_COLUMNS,
} from './columns';
import { DrillDownTable } from './DrillDownTable';

export type DrillDownTab = 'deployments' | 'changes' | 'incidents';

const LIMIT = 100;
/** Rows on one page of a drill-down table: the card stays a screen long. */
const PAGE_SIZE = 20;

const TAB_LABELS: Record<DrillDownTab, string> = {
  deployments: 'Deployments',
  changes: 'Changes',
  incidents: 'Incidents',
};

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
      <DrillDownTable
        name="Deployments"
        columns={DEPLOYMENT_COLUMNS}
        rows={items as DoraDeploymentRow[]}
        showService={showService}
      />
    );
  } else if (tab === 'changes') {
    table = (
      <DrillDownTable
        name="Changes"
        columns={CHANGE_COLUMNS}
        rows={items as DoraChangeRow[]}
        showService={showService}
      />
    );
  } else {
    table = (
      <DrillDownTable
        name="Incidents"
        columns={INCIDENT_COLUMNS}
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
