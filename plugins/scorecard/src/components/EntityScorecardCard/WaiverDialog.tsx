import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { DAY_MS } from '@internal/paved-road-common';
import { EntityCheckView, Waiver } from '@internal/plugin-scorecard-common';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { scorecardApiRef } from '../../api';

/** `YYYY-MM-DD`, `days` from now. */
export function dayFromNow(days: number, now = Date.now()): string {
  return new Date(now + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Grants an exemption of one check for this entity through the API. The
 * backend's permission policy decides who may; a refusal is shown as is.
 */
export function WaiverDialog(props: {
  entityRef: string;
  check: EntityCheckView;
  open: boolean;
  onClose: () => void;
  onGranted: (waiver: Waiver) => void;
}) {
  const { entityRef, check, open, onClose, onGranted } = props;
  const api = useApi(scorecardApiRef);
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState(dayFromNow(90));

  const reasonTooShort = reason.trim().length < 3;

  // On success the parent closes (unmounts) the dialog; useAsyncFn does not
  // set state after that.
  const [grant, submit] = useAsyncFn(async () => {
    const waiver = await api.createWaiver({
      entityRef,
      checkId: check.checkId,
      reason: reason.trim(),
      expiresAt: `${expires}T00:00:00Z`,
    });
    onGranted(waiver);
  }, [api, entityRef, check.checkId, reason, expires, onGranted]);

  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="waiver-title">
      <DialogTitle id="waiver-title">Exempt “{check.title}”</DialogTitle>
      <DialogContent>
        <DialogContentText>
          An exempt check is left out of the score until the exemption expires.
          It is audited and needs the scorecard.waiver.create permission on this
          entity.
        </DialogContentText>
        {grant.error && <ResponseErrorPanel error={grant.error} />}
        <TextField
          fullWidth
          margin="dense"
          id="scorecard-waiver-reason"
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value)}
          helperText="Why this check does not apply for now"
        />
        <TextField
          fullWidth
          margin="dense"
          type="date"
          id="scorecard-waiver-expires"
          label="Expires on"
          value={expires}
          onChange={e => setExpires(e.target.value)}
          inputProps={{ min: dayFromNow(1), max: dayFromNow(365) }}
          InputLabelProps={{ shrink: true }}
          helperText="At most a year ahead"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={() => submit()}
          disabled={grant.loading || reasonTooShort || !expires}
        >
          {grant.loading ? 'Granting…' : 'Grant exemption'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
