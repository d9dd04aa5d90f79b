import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  EntityCheckView,
  EntityScorecardResponse,
  SCORE_FORMULA,
} from '@internal/plugin-scorecard-common';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { scorecardApiRef } from '../../api';
import { splitChecks } from './checkOrder';
import { CheckRow } from './CheckRow';
import { OtherChecks } from './OtherChecks';
import { ScorecardHeader } from './ScorecardHeader';
import { WaiverDialog } from './WaiverDialog';

function errorMessage(error: Error): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  return cause?.message ?? error.message;
}

/** The more recent of two evaluations of the same entity. */
function newest(
  a: EntityScorecardResponse | undefined,
  b: EntityScorecardResponse | undefined,
): EntityScorecardResponse | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(b.evaluatedAt) >= Date.parse(a.evaluatedAt) ? b : a;
}

/** What the card shows once there is a scorecard. */
function Scorecard(props: {
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

/**
 * The scorecard of the current entity. On top, what an engineer needs at a
 * glance: score, level, the critical-failure flag and the score's history.
 * Then the failing checks, worst first, each with why and how to fix it;
 * the rest folded behind one toggle; raw facts behind a toggle per check.
 */
export function EntityScorecardCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(scorecardApiRef);
  const [waiverFor, setWaiverFor] = useState<EntityCheckView>();

  const stored = useAsyncRetry(
    () => api.getEntityScorecard(entityRef),
    [api, entityRef],
  );
  const [evaluation, evaluate] = useAsyncFn(
    () => api.evaluateEntity(entityRef),
    [api, entityRef],
  );
  // Reading again after an exemption and evaluating on demand both give a
  // scorecard: show the latest evaluation, and keep it when a later request
  // fails.
  const scorecard = newest(stored.value, evaluation.value);

  let content;
  if (scorecard) {
    content = (
      <Scorecard
        entityRef={entityRef}
        scorecard={scorecard}
        onExempt={setWaiverFor}
      />
    );
  } else if (stored.loading) {
    content = <Progress />;
  } else if (stored.error) {
    content = <ResponseErrorPanel error={stored.error} />;
  } else {
    // Text and a button, no illustration: EmptyState's picture is taller
    // than a card's row and was cut off.
    content = (
      <Box>
        <Typography variant="h6" component="h3" gutterBottom>
          Not evaluated yet
        </Typography>
        <Typography variant="body2" paragraph>
          {`The scorecard has not evaluated ${
            entity.metadata.title ?? entity.metadata.name
          } yet. It runs on a schedule and when the entity changes; evaluate it now to see its checks.`}
        </Typography>
        <Button
          variant="contained"
          color="primary"
          onClick={() => evaluate()}
          disabled={evaluation.loading}
        >
          {evaluation.loading ? 'Evaluating…' : 'Evaluate now'}
        </Button>
      </Box>
    );
  }

  return (
    <InfoCard
      title="Scorecard"
      action={
        scorecard && (
          <Button
            variant="outlined"
            size="small"
            startIcon={<RefreshIcon />}
            onClick={() => evaluate()}
            disabled={evaluation.loading}
          >
            {evaluation.loading ? 'Evaluating…' : 'Re-evaluate'}
          </Button>
        )
      }
    >
      {evaluation.error && (
        <Box mb={2}>
          <ResponseErrorPanel
            error={evaluation.error}
            title={`Could not evaluate ${entityRef}: ${errorMessage(
              evaluation.error,
            )}`}
          />
        </Box>
      )}
      {content}
      {waiverFor && (
        <WaiverDialog
          open
          entityRef={entityRef}
          check={waiverFor}
          onClose={() => setWaiverFor(undefined)}
          onGranted={() => {
            // The backend re-evaluated the entity with the exemption: read it.
            setWaiverFor(undefined);
            stored.retry();
          }}
        />
      )}
    </InfoCard>
  );
}
