import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { EntityScorecardResponse } from '@internal/plugin-scorecard-common';
import { formatAge, formatScore, formatTimestamp, levelLabel } from '../format';
import { HISTORY_DAYS, ScoreHistory } from './ScoreHistory';

const useStyles = makeStyles(theme => ({
  figures: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(1, 3),
  },
  figure: {
    flex: '1 1 8rem',
    minWidth: 0,
  },
  history: {
    // Takes what is left of the row, or a row of its own when narrow; the
    // sparkline scales down to fit.
    flex: '1 1 160px',
    minWidth: 0,
    maxWidth: 320,
  },
  value: {
    fontSize: '1.75rem',
    fontWeight: theme.typography.fontWeightBold as number,
    lineHeight: 1.1,
  },
}));

function Figure(props: { label: string; value: string; caption: string }) {
  const classes = useStyles();
  return (
    <Box className={classes.figure}>
      <Typography variant="overline" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography className={classes.value} aria-label={props.label}>
        {props.value}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.caption}
      </Typography>
    </Box>
  );
}

function CriticalFlag(props: { scorecard: EntityScorecardResponse }) {
  const failing = props.scorecard.checks.filter(
    c => c.weight === 'critical' && c.state === 'fail',
  );
  return (
    <Alert severity="error" variant="filled" role="alert">
      <AlertTitle>Failing a critical check</AlertTitle>
      {failing.length > 0
        ? failing.map(c => c.title).join(', ')
        : 'A critical check fails.'}{' '}
      — flagged whatever the score.
    </Alert>
  );
}

/**
 * The top of the card: the critical flag, score, level, the score's
 * history, and when and how completely the entity was evaluated.
 */
export function ScorecardHeader(props: {
  entityRef: string;
  scorecard: EntityScorecardResponse;
}) {
  const { entityRef, scorecard } = props;
  const classes = useStyles();
  return (
    <Box>
      {scorecard.criticalFailing && (
        <Box mb={2}>
          <CriticalFlag scorecard={scorecard} />
        </Box>
      )}
      <Box className={classes.figures}>
        <Figure
          label="Score"
          value={formatScore(scorecard.score)}
          caption={
            scorecard.score === null
              ? 'No check passes or fails yet'
              : `${scorecard.passedWeight} of ${scorecard.applicableWeight} applicable weight passed`
          }
        />
        <Figure
          label="Level"
          value={levelLabel(scorecard.level, scorecard.levels)}
          caption={scorecard.levels
            .map(l => levelLabel(l.id, scorecard.levels))
            .join(' → ')}
        />
        <Box className={classes.history}>
          <Typography variant="overline" color="textSecondary" component="div">
            History ({HISTORY_DAYS} days)
          </Typography>
          <ScoreHistory
            entityRef={entityRef}
            evaluatedAt={scorecard.evaluatedAt}
          />
        </Box>
      </Box>
      <Typography variant="caption" color="textSecondary" component="p">
        Evaluated {formatAge(scorecard.evaluatedAt)} (
        {formatTimestamp(scorecard.evaluatedAt)})
        {scorecard.unknownWeight > 0 &&
          ` · weight ${scorecard.unknownWeight} left out for no data or errors`}
      </Typography>
    </Box>
  );
}
