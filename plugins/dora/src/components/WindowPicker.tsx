import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';

export const WINDOW_DAYS = [30, 90, 180] as const;

/** The window of the figures: the last 30, 90 or 180 days. */
export function WindowPicker(props: {
  value: number;
  onChange: (days: number) => void;
}) {
  return (
    <ToggleButtonGroup
      exclusive
      size="small"
      value={props.value}
      aria-label="Window"
      onChange={(_e, days: number | null) => {
        // A click on the selected button deselects it; keep the window.
        if (days) props.onChange(days);
      }}
    >
      {WINDOW_DAYS.map(days => (
        <ToggleButton key={days} value={days} aria-label={`${days} days`}>
          {days} days
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
