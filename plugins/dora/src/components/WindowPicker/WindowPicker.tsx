import { FormEvent, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormHelperText from '@material-ui/core/FormHelperText';
import TextField from '@material-ui/core/TextField';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import {
  DoraWindow,
  WINDOW_DAYS,
  WindowDays,
  rangeError,
  today,
  windowBounds,
  windowKey,
} from '../../lib/window';

const CUSTOM = 'custom';

interface Draft {
  /** The window the draft was started from: a new one starts a new draft. */
  key: string;
  /** Whether the range inputs show. */
  open: boolean;
  from: string;
  to: string;
}

function draftOf(value: DoraWindow): Draft {
  return {
    key: windowKey(value),
    open: value.kind === 'custom',
    ...windowBounds(value),
  };
}

/**
 * The window of the figures: the last 30, 90 or 180 days, or a custom range
 * of UTC days (both included). A range applies only once it is valid, so a
 * half-typed date never reaches the backend.
 */
export function WindowPicker(props: {
  value: DoraWindow;
  onChange: (window: DoraWindow) => void;
}) {
  const { value, onChange } = props;
  const [draft, setDraft] = useState(() => draftOf(value));
  // The URL changed (a pick, Back, a link): edit from what is shown now.
  if (draft.key !== windowKey(value)) setDraft(draftOf(value));

  const error = rangeError(draft.from, draft.to);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (!error) onChange({ kind: 'custom', from: draft.from, to: draft.to });
  };
  let selected: number | typeof CUSTOM = CUSTOM;
  if (!draft.open && value.kind === 'preset') selected = value.days;

  return (
    <Box display="flex" flexWrap="wrap" alignItems="flex-start">
      <ToggleButtonGroup
        exclusive
        size="small"
        value={selected}
        aria-label="Window"
        onChange={(_e, next: number | typeof CUSTOM | null) => {
          // A click on the selected button deselects it; keep the window.
          if (next === null) return;
          if (next === CUSTOM) {
            setDraft(d => ({ ...d, open: true }));
            return;
          }
          setDraft(d => ({ ...d, open: false }));
          onChange({ kind: 'preset', days: next as WindowDays });
        }}
      >
        {WINDOW_DAYS.map(days => (
          <ToggleButton key={days} value={days} aria-label={`${days} days`}>
            {days} days
          </ToggleButton>
        ))}
        <ToggleButton value={CUSTOM}>Custom range…</ToggleButton>
      </ToggleButtonGroup>
      {draft.open && (
        // Our own messages, not the browser's: noValidate.
        <form
          onSubmit={apply}
          aria-label="Custom range"
          noValidate
          style={{ marginLeft: 16 }}
        >
          <Box display="flex" alignItems="center">
            <TextField
              id="dora-window-from"
              type="date"
              label="From"
              variant="outlined"
              size="small"
              value={draft.from}
              onChange={e => setDraft({ ...draft, from: e.target.value })}
              error={Boolean(error)}
              // A date input always shows its placeholder or value: without
              // shrink the label sat on top of it.
              InputLabelProps={{ shrink: true }}
              inputProps={{ max: today() }}
            />
            <Box ml={1}>
              <TextField
                id="dora-window-to"
                type="date"
                label="To (included)"
                variant="outlined"
                size="small"
                value={draft.to}
                onChange={e => setDraft({ ...draft, to: e.target.value })}
                error={Boolean(error)}
                InputLabelProps={{ shrink: true }}
                inputProps={{ max: today() }}
              />
            </Box>
            <Box ml={1}>
              <Button
                type="submit"
                variant="outlined"
                color="primary"
                disabled={Boolean(error)}
              >
                Apply
              </Button>
            </Box>
          </Box>
          <FormHelperText
            error={Boolean(error)}
            role={error ? 'alert' : undefined}
          >
            {error ??
              'UTC days, both included; compared with as many days before.'}
          </FormHelperText>
        </form>
      )}
    </Box>
  );
}
