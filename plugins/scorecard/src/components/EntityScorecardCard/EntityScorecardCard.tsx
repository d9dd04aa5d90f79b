import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import RefreshIcon from '@material-ui/icons/Refresh';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { errorMessage } from '@internal/paved-road-react';
import {
  EntityCheckView,
  EntityScorecardResponse,
} from '@internal/plugin-scorecard-common';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { scorecardApiRef } from '../../api';
import { NotEvaluated } from './NotEvaluated';
import { Scorecard } from './Scorecard';
import { WaiverDialog } from './WaiverDialog';

/** The more recent of two evaluations of the same entity. */
function newest(
  a: EntityScorecardResponse | undefined,
  b: EntityScorecardResponse | undefined,
): EntityScorecardResponse | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(b.evaluatedAt) >= Date.parse(a.evaluatedAt) ? b : a;
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
    content = (
      <NotEvaluated
        name={entity.metadata.title ?? entity.metadata.name}
        evaluating={evaluation.loading}
        onEvaluate={() => evaluate()}
      />
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
