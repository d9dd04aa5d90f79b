import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '@internal/paved-road-react';
import {
  IncidentUrgency,
  OnCallIncident,
} from '@internal/plugin-oncall-common';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { onCallApiRef } from '../../api';
import { IncidentFacts, incidentName } from './IncidentItem';

function Created({ incident }: { incident: OnCallIncident }) {
  const name = incidentName(incident);
  return (
    <>
      <DialogContentText>
        Incident opened: the on-call is being paged.
      </DialogContentText>
      <Typography variant="body2">
        {incident.url ? <Link to={incident.url}>{name}</Link> : name}
      </Typography>
      <IncidentFacts incident={incident} />
    </>
  );
}

/**
 * Opens an incident on the entity through its on-call source, which pages
 * whoever is on call. The backend decides who may; its refusal is shown as
 * it words it.
 */
export function PageOnCallDialog(props: {
  entityRef: string;
  onClose: () => void;
  onCreated: (incident: OnCallIncident) => void;
}) {
  const { entityRef, onClose, onCreated } = props;
  const api = useApi(onCallApiRef);
  const [title, setTitle] = useState('');
  const [details, setDetails] = useState('');
  const [urgency, setUrgency] = useState<IncidentUrgency>('high');

  const [state, submit] = useAsyncFn(async () => {
    const incident = await api.triggerIncident(entityRef, {
      title: title.trim(),
      ...(details.trim() ? { details: details.trim() } : {}),
      urgency,
    });
    onCreated(incident);
    return incident;
  }, [api, entityRef, title, details, urgency, onCreated]);

  const created = state.value;
  return (
    <Dialog open onClose={onClose} aria-labelledby="oncall-page-title">
      <DialogTitle id="oncall-page-title">Page the on-call</DialogTitle>
      <DialogContent>
        {created ? (
          <Created incident={created} />
        ) : (
          <>
            <DialogContentText>
              Opens an incident on {entityRef}; its on-call source pages whoever
              is on call for it now.
            </DialogContentText>
            {state.error && (
              <Typography variant="body2" color="error" role="alert">
                Could not page: {errorMessage(state.error)}
              </Typography>
            )}
            <TextField
              fullWidth
              required
              margin="dense"
              id="oncall-page-incident-title"
              label="Title"
              value={title}
              onChange={e => setTitle(e.target.value)}
              helperText="What is wrong, in a line"
              inputProps={{ maxLength: 255 }}
            />
            <TextField
              fullWidth
              multiline
              minRows={3}
              margin="dense"
              id="oncall-page-incident-details"
              label="Details"
              value={details}
              onChange={e => setDetails(e.target.value)}
              helperText="Symptoms, since when, links"
            />
            <FormLabel component="legend">Urgency</FormLabel>
            <RadioGroup
              row
              aria-label="Urgency"
              name="urgency"
              value={urgency}
              onChange={e => setUrgency(e.target.value as IncidentUrgency)}
            >
              <FormControlLabel
                value="high"
                control={<Radio />}
                label="High: pages at once"
              />
              <FormControlLabel
                value="low"
                control={<Radio />}
                label="Low: follows the service's notification rules"
              />
            </RadioGroup>
          </>
        )}
      </DialogContent>
      <DialogActions>
        {created ? (
          <Button color="primary" onClick={onClose}>
            Close
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button
              color="primary"
              variant="contained"
              onClick={() => submit()}
              disabled={state.loading || !title.trim()}
            >
              {state.loading ? 'Paging…' : 'Page'}
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}
