import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import { DoraWeek } from '@internal/plugin-dora-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatDay, formatDuration } from './format';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Weekly series of the window: deployments (failed stacked) and lead time. */
export function WeeklyCharts(props: { weekly: DoraWeek[] }) {
  const theme = useTheme();
  const { weekly } = props;
  const maxLead = Math.max(0, ...weekly.map(w => w.leadTimeMedianMs ?? 0));
  // Hours read better than "0.2 days"; days better than "400 h".
  const leadUnit = maxLead >= 3 * DAY ? 'days' : 'hours';
  const leadDivisor = leadUnit === 'days' ? DAY : HOUR;
  const data = weekly.map(w => ({
    week: formatDay(w.weekStart),
    healthy: w.deployments - w.failedDeployments,
    failed: w.failedDeployments,
    leadTime:
      w.leadTimeMedianMs === null
        ? null
        : Math.round((w.leadTimeMedianMs / leadDivisor) * 10) / 10,
    leadTimeMs: w.leadTimeMedianMs,
  }));
  const hasLeadTime = weekly.some(w => w.leadTimeMedianMs !== null);

  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="Production deployments per week"
          subheader="7-day buckets from the start of the window (the last may be shorter); deployments that needed intervention stacked on top"
        >
          <div
            role="img"
            aria-label="Production deployments per week"
            style={{ width: '100%', height: 260 }}
          >
            <ResponsiveContainer>
              <BarChart data={data}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="week" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar
                  dataKey="healthy"
                  name="Deployments"
                  stackId="d"
                  fill={theme.palette.primary.main}
                />
                <Bar
                  dataKey="failed"
                  name="Needed intervention"
                  stackId="d"
                  fill={theme.palette.error.main}
                />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="Median lead time for changes per week"
          subheader={`In ${leadUnit}; commits by the week their first production deployment finished`}
        >
          {hasLeadTime ? (
            <div
              role="img"
              aria-label="Median lead time per week"
              style={{ width: '100%', height: 260 }}
            >
              <ResponsiveContainer>
                <LineChart data={data}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="week" />
                  <YAxis />
                  <Tooltip
                    formatter={(_value: unknown, _name: unknown, item: any) =>
                      formatDuration(item?.payload?.leadTimeMs ?? null)
                    }
                  />
                  <Legend />
                  <Line
                    type="monotone"
                    dataKey="leadTime"
                    name={`Median lead time (${leadUnit})`}
                    stroke={theme.palette.secondary.main}
                    connectNulls
                    dot
                  />
                </LineChart>
              </ResponsiveContainer>
            </div>
          ) : (
            <Typography variant="body2" color="textSecondary">
              No deployed changes in this window.
            </Typography>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
