import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { OnCallSummary } from '../../onCallSummary';

/** Lifecycle and tier: how much a page about this component matters. */
export function ServiceFacts({ summary }: { summary: OnCallSummary }) {
  return (
    <Box display="flex" gridGap={8}>
      <Chip
        size="small"
        label={`lifecycle: ${summary.lifecycle ?? 'unknown'}`}
      />
      <Chip size="small" label={`tier: ${summary.tier ?? 'unknown'}`} />
    </Box>
  );
}
