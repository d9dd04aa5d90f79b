import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import Typography from '@material-ui/core/Typography';
import {
  EntityCheckView,
  EntityScorecardResponse,
  SCORE_FORMULA,
} from '@internal/plugin-scorecard-common';
import { splitChecks } from './checkOrder';
import { CheckRow } from './CheckRow';
import { OtherChecks } from './OtherChecks';
import { ScorecardHeader } from './ScorecardHeader';

/** What the card shows once there is a scorecard. */
export function Scorecard(props: {
  entityRef: string;
  scorecard: EntityScorecardResponse;
  onExempt: (check: EntityCheckView) => void;
}) {
  const { entityRef, scorecard, onExempt } = props;
  const { failing, others } = splitChecks(scorecard.checks);
  return (
    <>
      <ScorecardHeader entityRef={entityRef} scorecard={scorecard} />
      <Box mt={2}>
        {failing.length > 0 ? (
          <>
            <Typography variant="subtitle2" component="h3">
              {failing.length === 1
                ? '1 check to fix'
                : `${failing.length} checks to fix`}
            </Typography>
            <List dense disablePadding aria-label="Failing checks">
              {failing.map(check => (
                <CheckRow
                  key={check.checkId}
                  check={check}
                  onExempt={onExempt}
                />
              ))}
            </List>
          </>
        ) : (
          <Typography variant="subtitle2" component="h3">
            Nothing to fix: no check fails.
          </Typography>
        )}
        <OtherChecks checks={others} />
      </Box>
      <Box mt={1} component="details">
        <Typography variant="caption" color="textSecondary" component="summary">
          How the score is computed
        </Typography>
        <Typography variant="caption" color="textSecondary" component="p">
          {scorecard.formula || SCORE_FORMULA}
        </Typography>
      </Box>
    </>
  );
}
