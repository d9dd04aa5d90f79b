import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';

/**
 * The card before the first evaluation: text and a button, no illustration
 * (EmptyState's picture is taller than a card's row and was cut off).
 */
export function NotEvaluated(props: {
  /** The entity's title, or its name. */
  name: string;
  evaluating: boolean;
  onEvaluate: () => void;
}) {
  const { name, evaluating, onEvaluate } = props;
  return (
    <Box>
      <Typography variant="h6" component="h3" gutterBottom>
        Not evaluated yet
      </Typography>
      <Typography variant="body2" paragraph>
        {`The scorecard has not evaluated ${name} yet. It runs on a schedule and when the entity changes; evaluate it now to see its checks.`}
      </Typography>
      <Button
        variant="contained"
        color="primary"
        onClick={onEvaluate}
        disabled={evaluating}
      >
        {evaluating ? 'Evaluating…' : 'Evaluate now'}
      </Button>
    </Box>
  );
}
