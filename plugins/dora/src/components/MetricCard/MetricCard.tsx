import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Card from '@material-ui/core/Card';
import CardActions from '@material-ui/core/CardActions';
import CardContent from '@material-ui/core/CardContent';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import InfoOutlinedIcon from '@material-ui/icons/InfoOutlined';
import TrendingDownIcon from '@material-ui/icons/TrendingDown';
import TrendingFlatIcon from '@material-ui/icons/TrendingFlat';
import TrendingUpIcon from '@material-ui/icons/TrendingUp';
import { PerformanceLevel, TrendDirection } from '@internal/plugin-dora-common';
import { TREND_LABELS } from '../../lib/format';
import { LevelChip } from '../LevelChip';

const useStyles = makeStyles(theme => ({
  card: { height: '100%', display: 'flex', flexDirection: 'column' },
  content: { flexGrow: 1 },
  value: { fontWeight: 600, lineHeight: 1.2 },
  better: { color: theme.palette.success.main },
  worse: { color: theme.palette.error.main },
  same: { color: theme.palette.text.secondary },
  unknown: { color: theme.palette.text.secondary },
}));

export interface MetricCardProps {
  title: string;
  /** The headline figure, already formatted. */
  value: string;
  /** Lines under the value: sample size, p90, stages... */
  details?: ReactNode;
  level: PerformanceLevel;
  trend: TrendDirection;
  /**
   * Which way the raw number moved against the previous window, for the
   * arrow; `trend` says whether that is better or worse.
   */
  movement: 'up' | 'down' | 'flat' | 'none';
  /** The previous window's figure, formatted. */
  previousValue: string;
  windowDays: number;
  definition: string;
  drillDownLabel?: string;
  onDrillDown?: () => void;
}

function trendText(
  trend: TrendDirection,
  previousValue: string,
  windowDays: number,
): string {
  const previous = `the previous ${windowDays} days`;
  switch (trend) {
    case 'unknown':
      return `No comparison with ${previous} (${previousValue})`;
    case 'same':
      return `No change from ${previous} (${previousValue})`;
    default:
      return `${TREND_LABELS[trend]} than ${previous} (${previousValue})`;
  }
}

export function MetricCard(props: MetricCardProps) {
  const classes = useStyles();
  const {
    title,
    value,
    details,
    level,
    trend,
    movement,
    previousValue,
    windowDays,
    definition,
  } = props;
  let TrendIcon = TrendingFlatIcon;
  if (movement === 'up') TrendIcon = TrendingUpIcon;
  else if (movement === 'down') TrendIcon = TrendingDownIcon;

  return (
    <Card
      className={classes.card}
      variant="outlined"
      component="section"
      aria-label={title}
    >
      <CardContent className={classes.content}>
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <Typography variant="subtitle1" component="h3">
            {title}
          </Typography>
          <Tooltip title={definition} placement="top" arrow>
            <IconButton size="small" aria-label={`How ${title} is defined`}>
              <InfoOutlinedIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        </Box>
        <Typography variant="h4" component="p" className={classes.value}>
          {value}
        </Typography>
        <Box mt={1} mb={1}>
          <LevelChip level={level} />
        </Box>
        <Box
          display="flex"
          alignItems="center"
          className={classes[trend]}
          data-testid="dora-trend"
        >
          {trend !== 'unknown' && movement !== 'none' && (
            <TrendIcon fontSize="small" style={{ marginRight: 4 }} />
          )}
          <Typography variant="body2" component="span">
            {trendText(trend, previousValue, windowDays)}
          </Typography>
        </Box>
        {details && (
          <Box mt={1}>
            <Typography variant="body2" color="textSecondary" component="div">
              {details}
            </Typography>
          </Box>
        )}
      </CardContent>
      {props.onDrillDown && (
        <CardActions>
          <Button size="small" color="primary" onClick={props.onDrillDown}>
            {props.drillDownLabel ?? 'Show details'}
          </Button>
        </CardActions>
      )}
    </Card>
  );
}
