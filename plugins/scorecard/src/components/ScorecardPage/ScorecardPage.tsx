import { useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Autocomplete from '@material-ui/lab/Autocomplete';
import Alert from '@material-ui/lab/Alert';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  Content,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { SCORE_FORMULA } from '@internal/plugin-scorecard-common';
import useAsync from 'react-use/esm/useAsync';
import { ScorecardListQuery, scorecardApiRef } from '../../api';
import { formatScore, levelLabel } from '../format';
import { ServicesTable } from './ServicesTable';
import { TeamRollupTable } from './TeamRollupTable';
import { ScoreSparkline } from '../ScoreSparkline';

export const PAGE_SIZE = 25;

interface Filters {
  owner?: string;
  level?: string;
  check?: string;
  criticalOnly: boolean;
}

interface OwnerOption {
  ref: string;
  label: string;
}

function ownerLabel(ref: string, title?: string): string {
  if (title) return title;
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

/**
 * Every evaluated entity, worst first (the backend orders by score, unscored
 * last), filterable by owner, level, a failing check and critical failures,
 * a page at a time; and the teams, rolled up through the group hierarchy.
 */
export function ScorecardPage() {
  const api = useApi(scorecardApiRef);
  const [filters, setFilters] = useState<Filters>({ criticalOnly: false });
  // Cursors of the pages before the current one; the current page's cursor last.
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const cursor = cursors[cursors.length - 1];

  const setFilter = (change: Partial<Filters>) => {
    setFilters(f => ({ ...f, ...change }));
    setCursors([undefined]);
  };

  const definitions = useAsync(() => api.getChecks(), [api]);
  const teams = useAsync(() => api.getTeams(), [api]);
  const trend = useAsync(() => api.getOrganisationTrend({ days: 90 }), [api]);
  const latestDay = trend.value?.days[trend.value.days.length - 1];

  const query: ScorecardListQuery = useMemo(
    () => ({
      owner: filters.owner ? [filters.owner] : undefined,
      level: filters.level ? [filters.level] : undefined,
      check: filters.check,
      criticalFailing: filters.criticalOnly ? true : undefined,
      limit: PAGE_SIZE,
      cursor,
    }),
    [filters, cursor],
  );
  const entities = useAsync(() => api.listEntities(query), [api, query]);

  const levels = definitions.value?.levels ?? [];
  const checkTitles = useMemo(
    () => new Map((definitions.value?.checks ?? []).map(c => [c.id, c.title])),
    [definitions.value],
  );
  const ownerOptions: OwnerOption[] = useMemo(
    () =>
      (teams.value?.items ?? [])
        .map(t => ({ ref: t.owner, label: ownerLabel(t.owner, t.title) }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [teams.value],
  );
  const selectedOwner =
    ownerOptions.find(o => o.ref === filters.owner) ??
    (filters.owner
      ? { ref: filters.owner, label: ownerLabel(filters.owner) }
      : null);

  const page = entities.value;
  const first = (cursors.length - 1) * PAGE_SIZE;

  let list;
  if (entities.loading) {
    list = <Progress />;
  } else if (entities.error) {
    list = <ResponseErrorPanel error={entities.error} />;
  } else if (!page || page.items.length === 0) {
    list = (
      <Typography variant="body1">
        {filters.owner || filters.level || filters.check || filters.criticalOnly
          ? 'No service matches these filters.'
          : 'No service has been evaluated yet.'}
      </Typography>
    );
  } else {
    list = (
      <>
        <ServicesTable
          items={page.items}
          levels={levels}
          checkTitles={checkTitles}
        />
        <Box
          display="flex"
          alignItems="center"
          justifyContent="flex-end"
          mt={1}
          style={{ gap: 8 }}
        >
          <Typography variant="body2">
            {first + 1}–{first + page.items.length} of {page.totalItems}
          </Typography>
          <Button
            size="small"
            disabled={cursors.length === 1}
            onClick={() => setCursors(c => c.slice(0, -1))}
          >
            Previous page
          </Button>
          <Button
            size="small"
            disabled={!page.nextCursor}
            onClick={() => setCursors(c => [...c, page.nextCursor])}
          >
            Next page
          </Button>
        </Box>
      </>
    );
  }

  return (
    <Content>
      <Grid container spacing={2}>
        {definitions.value?.reloadError && (
          <Grid item xs={12}>
            <Alert severity="warning">
              The checks file failed to reload; the last valid checks are still
              in force: {definitions.value.reloadError.message}
            </Alert>
          </Grid>
        )}
        <Grid item xs={12}>
          <InfoCard title="Services, worst first">
            <Grid container spacing={2} alignItems="center">
              <Grid item>
                <Autocomplete
                  id="scorecard-owner"
                  options={ownerOptions}
                  value={selectedOwner}
                  loading={teams.loading}
                  getOptionLabel={o => o.label}
                  getOptionSelected={(o, v) => o.ref === v.ref}
                  onChange={(_e, value) => setFilter({ owner: value?.ref })}
                  style={{ width: 280 }}
                  renderInput={params => (
                    <TextField
                      {...params}
                      label="Owner"
                      variant="outlined"
                      size="small"
                    />
                  )}
                />
              </Grid>
              <Grid item>
                <TextField
                  select
                  id="scorecard-level"
                  label="Level"
                  variant="outlined"
                  size="small"
                  value={filters.level ?? ''}
                  onChange={e =>
                    setFilter({ level: e.target.value || undefined })
                  }
                  SelectProps={{ native: true }}
                  InputLabelProps={{ shrink: true }}
                  style={{ minWidth: 140 }}
                >
                  <option value="">Any level</option>
                  {levels.map(l => (
                    <option key={l.id} value={l.id}>
                      {levelLabel(l.id, levels)}
                    </option>
                  ))}
                </TextField>
              </Grid>
              <Grid item>
                <TextField
                  select
                  id="scorecard-check"
                  label="Failing check"
                  variant="outlined"
                  size="small"
                  value={filters.check ?? ''}
                  onChange={e =>
                    setFilter({ check: e.target.value || undefined })
                  }
                  SelectProps={{ native: true }}
                  InputLabelProps={{ shrink: true }}
                  style={{ minWidth: 200 }}
                >
                  <option value="">Any check</option>
                  {(definitions.value?.checks ?? []).map(c => (
                    <option key={c.id} value={c.id}>
                      {c.title}
                    </option>
                  ))}
                </TextField>
              </Grid>
              <Grid item>
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={filters.criticalOnly}
                      onChange={e =>
                        setFilter({ criticalOnly: e.target.checked })
                      }
                    />
                  }
                  label="Failing a critical check only"
                />
              </Grid>
              <Grid item xs={12}>
                {list}
              </Grid>
              <Grid item xs={12}>
                <Typography variant="caption" color="textSecondary">
                  How the score is computed: {page?.formula ?? SCORE_FORMULA}
                </Typography>
              </Grid>
            </Grid>
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard
            title="Organisation score, last 90 days"
            subheader="Mean score of all evaluated services per day."
          >
            {trend.loading && <Progress />}
            {trend.error && <ResponseErrorPanel error={trend.error} />}
            {trend.value && (
              <Box aria-label="Organisation score trend">
                <ScoreSparkline
                  snapshots={trend.value.days}
                  width={480}
                  height={64}
                />
                {latestDay && (
                  <Typography variant="body2" color="textSecondary">
                    {latestDay.day}: {formatScore(latestDay.score)} over{' '}
                    {latestDay.entityCount} services,{' '}
                    {latestDay.criticalFailingCount} failing a critical check.
                  </Typography>
                )}
              </Box>
            )}
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard
            title="Teams"
            subheader="Worst first: services failing a critical check, then average score. A team includes its sub-teams."
          >
            {teams.loading && <Progress />}
            {teams.error && <ResponseErrorPanel error={teams.error} />}
            {teams.value && (
              <TeamRollupTable
                items={teams.value.items}
                checkTitles={checkTitles}
                selectedOwner={filters.owner}
                onSelect={owner => setFilter({ owner })}
              />
            )}
          </InfoCard>
        </Grid>
      </Grid>
    </Content>
  );
}
