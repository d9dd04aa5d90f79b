import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { useTheme } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import { DAY_MS, HOUR_MS } from '@internal/paved-road-common';
import { DoraTarget, DoraWeek } from '@internal/plugin-dora-common';
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
import { formatDay, formatDuration } from '../../lib/format';

/** A week as plotted: lead time in the chart's unit, and in ms for the tooltip. */
type Point = {
  week: string;
  healthy: number;
  failed: number;
  leadTime: number | null;
  leadTimeMs: number | null;
};

/** One card of the weekly charts and the series it plots. */
interface WeeklyChart {
  title: string;
  subheader: string;
  /** The chart's accessible name. */
  label: string;
  /** Bars are stacked; lines join across weeks without a value. */
  kind: 'bar' | 'line';
  series: Array<{ dataKey: keyof Point; name: string; color: string }>;
  allowDecimals: boolean;
  tooltipFormatter?: (value: unknown, name: unknown, item: any) => string;
  /** Shown instead of the chart when it has nothing to plot. */
  emptyText?: string;
}

function ChartCard(props: { chart: WeeklyChart; data: Point[] }) {
  const { chart, data } = props;
  const Chart = chart.kind === 'bar' ? BarChart : LineChart;
  // Drawn at once for whoever asked the system for less motion (and so for
  // the end-to-end screenshots, taken that way): a line is otherwise drawn
  // left to right over a second and a half.
  const animate = !useMediaQuery('(prefers-reduced-motion: reduce)');
  return (
    <InfoCard title={chart.title} subheader={chart.subheader}>
      {chart.emptyText ? (
        <Typography variant="body2" color="textSecondary">
          {chart.emptyText}
        </Typography>
      ) : (
        <div
          role="img"
          aria-label={chart.label}
          style={{ width: '100%', height: 260 }}
        >
          <ResponsiveContainer>
            <Chart data={data}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="week" />
              <YAxis allowDecimals={chart.allowDecimals} />
              <Tooltip formatter={chart.tooltipFormatter} />
              <Legend />
              {chart.series.map(({ dataKey, name, color }) =>
                chart.kind === 'bar' ? (
                  <Bar
                    key={dataKey}
                    dataKey={dataKey}
                    name={name}
                    stackId="d"
                    fill={color}
                    isAnimationActive={animate}
                  />
                ) : (
                  <Line
                    key={dataKey}
                    type="monotone"
                    dataKey={dataKey}
                    name={name}
                    stroke={color}
                    connectNulls
                    dot
                    isAnimationActive={animate}
                  />
                ),
              )}
            </Chart>
          </ResponsiveContainer>
        </div>
      )}
    </InfoCard>
  );
}

/**
 * Weekly series of the window: deployments (failed stacked) and lead time,
 * to production-tier environments unless the target is one environment.
 */
export function WeeklyCharts(props: {
  weekly: DoraWeek[];
  target?: DoraTarget;
}) {
  const theme = useTheme();
  const { weekly, target } = props;
  const environment =
    target && 'environment' in target ? target.environment : undefined;
  const deploymentsTitle = environment
    ? `Deployments to ${environment} per week`
    : 'Production deployments per week';
  const maxLead = Math.max(0, ...weekly.map(w => w.leadTimeMedianMs ?? 0));
  // Hours read better than "0.2 days"; days better than "400 h".
  const leadUnit = maxLead >= 3 * DAY_MS ? 'days' : 'hours';
  const leadDivisor = leadUnit === 'days' ? DAY_MS : HOUR_MS;
  const data: Point[] = weekly.map(w => ({
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

  const charts: WeeklyChart[] = [
    {
      title: deploymentsTitle,
      subheader:
        '7-day buckets from the start of the window (the last may be shorter); deployments that needed intervention stacked on top',
      label: deploymentsTitle,
      kind: 'bar',
      series: [
        {
          dataKey: 'healthy',
          name: 'Deployments',
          color: theme.palette.primary.main,
        },
        {
          dataKey: 'failed',
          name: 'Needed intervention',
          color: theme.palette.error.main,
        },
      ],
      allowDecimals: false,
    },
    {
      title: 'Median lead time for changes per week',
      subheader: `In ${leadUnit}; commits by the week their first ${
        environment ? `deployment to ${environment}` : 'production deployment'
      } finished`,
      label: 'Median lead time per week',
      kind: 'line',
      series: [
        {
          dataKey: 'leadTime',
          name: `Median lead time (${leadUnit})`,
          color: theme.palette.secondary.main,
        },
      ],
      allowDecimals: true,
      // The axis is in one unit, rounded; the tooltip picks its own unit.
      tooltipFormatter: (_value, _name, item) =>
        formatDuration(item?.payload?.leadTimeMs ?? null),
      emptyText: hasLeadTime
        ? undefined
        : 'No deployed changes in this window.',
    },
  ];

  return (
    <Grid container spacing={2}>
      {charts.map(chart => (
        <Grid item xs={12} md={6} key={chart.title}>
          <ChartCard chart={chart} data={data} />
        </Grid>
      ))}
    </Grid>
  );
}
