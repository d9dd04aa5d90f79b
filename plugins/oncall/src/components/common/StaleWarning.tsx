import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import WarningIcon from '@material-ui/icons/Warning';
import { OnCallProvenance } from '@internal/plugin-oncall-common';
import { providerName, whenText } from '../../lib/format';

/**
 * Says that the source could not be asked and the answer shown is the last
 * one it gave, and when that was: a person must not call someone whose
 * shift may have ended without knowing it.
 */
export function StaleWarning({ provenance }: { provenance: OnCallProvenance }) {
  if (!provenance.stale) {
    return null;
  }
  return (
    <Box role="alert" display="flex" gridGap={8} mb={1}>
      <WarningIcon color="error" fontSize="small" />
      <div>
        <Typography variant="body2" color="error">
          {providerName(provenance.providerId)} unreachable, showing what we
          knew at {whenText(provenance.fetchedAt)}
        </Typography>
        {provenance.staleReason && (
          <Typography variant="caption" color="textSecondary">
            {provenance.staleReason}
          </Typography>
        )}
      </div>
    </Box>
  );
}
