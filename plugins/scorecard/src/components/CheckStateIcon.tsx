import { makeStyles } from '@material-ui/core/styles';
import BugReportIcon from '@material-ui/icons/BugReport';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import WarningIcon from '@material-ui/icons/Warning';
import { CheckState } from '@internal/plugin-scorecard-common';
import { STATE_LABELS } from './format';

const useStyles = makeStyles(theme => ({
  pass: { color: theme.palette.success.main },
  fail: { color: theme.palette.error.main },
  warn: { color: theme.palette.warning.main },
  exempt: { color: theme.palette.info.main },
  not_applicable: { color: theme.palette.text.disabled },
  no_data: { color: theme.palette.text.secondary },
  error: { color: theme.palette.secondary.main },
}));

const ICONS: Record<CheckState, typeof CheckCircleIcon> = {
  pass: CheckCircleIcon,
  fail: CancelIcon,
  warn: WarningIcon,
  exempt: VerifiedUserIcon,
  not_applicable: RemoveCircleOutlineIcon,
  // A question mark: no data is neither a pass nor a fail.
  no_data: HelpOutlineIcon,
  error: BugReportIcon,
};

/** The icon of a check state, in its colour, labelled for screen readers. */
export function CheckStateIcon(props: {
  state: CheckState;
  fontSize?: 'small' | 'inherit' | 'default';
  /** Hidden from screen readers when the state is written out beside it. */
  decorative?: boolean;
}) {
  const classes = useStyles();
  const Icon = ICONS[props.state];
  return (
    <Icon
      className={classes[props.state]}
      fontSize={props.fontSize ?? 'small'}
      titleAccess={props.decorative ? undefined : STATE_LABELS[props.state]}
      aria-hidden={props.decorative ? true : undefined}
      data-state={props.state}
    />
  );
}
