import Typography from '@material-ui/core/Typography';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { scorecardApiRef } from '../../api';
import { ScoreSparkline } from '../ScoreSparkline';

export const HISTORY_DAYS = 90;

/**
 * The entity's score over the last {@link HISTORY_DAYS} days. Read again
 * whenever the card shows another evaluation (`evaluatedAt`), as that
 * evaluation may have written today's snapshot.
 */
export function ScoreHistory(props: {
  entityRef: string;
  evaluatedAt: string;
}) {
  const { entityRef, evaluatedAt } = props;
  const api = useApi(scorecardApiRef);
  const history = useAsync(
    () => api.getEntityHistory(entityRef, { days: HISTORY_DAYS }),
    [api, entityRef, evaluatedAt],
  );
  if (history.loading) return <Progress />;
  if (history.error) {
    return (
      <Typography variant="body2" color="error">
        Could not load the history: {history.error.message}
      </Typography>
    );
  }
  return <ScoreSparkline snapshots={history.value?.snapshots ?? []} />;
}
