import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { DAY_MS } from '@internal/paved-road-common';
import { ScoreSnapshot } from '@internal/plugin-scorecard-common';
import { formatScore } from './format';

/**
 * Score over days as a small inline SVG. Days without a score (nothing
 * applicable) break the line; the x axis is calendar days, so gaps in the
 * snapshots show as gaps in time.
 */
export function ScoreSparkline(props: {
  snapshots: ScoreSnapshot[];
  width?: number;
  height?: number;
}) {
  const theme = useTheme();
  const width = props.width ?? 240;
  const height = props.height ?? 48;
  const pad = 4;
  const points = props.snapshots
    .filter(s => s.score !== null)
    .map(s => ({ t: Date.parse(s.day), score: s.score as number }))
    .filter(p => !Number.isNaN(p.t))
    .sort((a, b) => a.t - b.t);

  if (points.length < 2) {
    return (
      <Typography variant="body2" color="textSecondary">
        {points.length === 1
          ? `One day of history so far (${formatScore(points[0].score)}).`
          : 'No score history yet.'}
      </Typography>
    );
  }

  const first = points[0];
  const last = points[points.length - 1];
  const span = Math.max(last.t - first.t, DAY_MS);
  const x = (t: number) => pad + ((t - first.t) / span) * (width - 2 * pad);
  const y = (score: number) => pad + (1 - score) * (height - 2 * pad);
  const path = points
    .map(
      (p, i) =>
        `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.score).toFixed(1)}`,
    )
    .join(' ');
  const days = Math.round((last.t - first.t) / DAY_MS) + 1;
  const label = `Score over ${days} days: ${formatScore(
    first.score,
  )} on ${new Date(first.t).toISOString().slice(0, 10)}, ${formatScore(
    last.score,
  )} on ${new Date(last.t).toISOString().slice(0, 10)}`;

  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      // Scales down (keeping its proportions) in a column narrower than it.
      style={{ display: 'block', maxWidth: '100%', height: 'auto' }}
    >
      <title>{label}</title>
      <line
        x1={pad}
        x2={width - pad}
        y1={y(1)}
        y2={y(1)}
        stroke={theme.palette.divider}
        strokeDasharray="2 2"
      />
      <line
        x1={pad}
        x2={width - pad}
        y1={y(0)}
        y2={y(0)}
        stroke={theme.palette.divider}
      />
      <path
        d={path}
        fill="none"
        stroke={theme.palette.primary.main}
        strokeWidth={2}
      />
      <circle
        cx={x(last.t)}
        cy={y(last.score)}
        r={3}
        fill={theme.palette.primary.main}
      />
    </svg>
  );
}
