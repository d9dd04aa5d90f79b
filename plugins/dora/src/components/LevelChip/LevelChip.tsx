import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { PerformanceLevel } from '@internal/plugin-dora-common';
import { LEVEL_LABELS } from '../../lib/format';

const useLevelStyles = makeStyles({
  elite: { backgroundColor: '#1b5e20', color: '#fff' },
  high: { backgroundColor: '#43a047', color: '#fff' },
  medium: { backgroundColor: '#f9a825', color: '#000' },
  low: { backgroundColor: '#c62828', color: '#fff' },
  'insufficient-data': {},
  'no-threshold': {},
});

const LEVEL_HINTS: Record<PerformanceLevel, string> = {
  elite: 'Elite performance cluster',
  high: 'High performance cluster',
  medium: 'Medium performance cluster',
  low: 'Low performance cluster',
  'insufficient-data':
    'Too few data points in this window for a level (minimum: 5 deployments, 5 changes, 3 recovered failed deployments)',
  'no-threshold': 'DORA publishes no cut-offs for this figure',
};

/** A figure's DORA level as a coloured chip, with what the level means. */
export function LevelChip(props: { level: PerformanceLevel }) {
  const classes = useLevelStyles();
  const { level } = props;
  return (
    <Tooltip title={LEVEL_HINTS[level]}>
      <Chip
        size="small"
        label={LEVEL_LABELS[level]}
        className={classes[level]}
        variant={
          level === 'insufficient-data' || level === 'no-threshold'
            ? 'outlined'
            : 'default'
        }
        data-testid="dora-level"
      />
    </Tooltip>
  );
}
