import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Collapse from '@material-ui/core/Collapse';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { EntityCheckView } from '@internal/plugin-scorecard-common';
import { CheckStateIcon } from '../CheckStateIcon';
import { STATE_LABELS } from '../format';
import { countLabel, staleLabel } from './checkOrder';
import { FactsExpander } from './FactsExpander';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'block',
    paddingLeft: 0,
    paddingRight: 0,
  },
  summary: {
    flex: '1 1 12rem',
    minWidth: 0,
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    overflowWrap: 'anywhere',
  },
  toggle: {
    textAlign: 'left',
    justifyContent: 'flex-start',
  },
  icon: {
    marginTop: 2,
    flexShrink: 0,
  },
}));

/** What to say under the title: why the check is not a pass. */
function note(check: EntityCheckView): string | undefined {
  if (check.state === 'pass') return undefined;
  if (check.state === 'exempt' && check.waiver) {
    return `until ${check.waiver.expiresAt.slice(0, 10)}: ${
      check.waiver.reason
    } (approved by ${check.waiver.createdBy})`;
  }
  return check.reason;
}

function OtherCheckRow(props: { check: EntityCheckView }) {
  const { check } = props;
  const classes = useStyles();
  const stale = staleLabel(check);
  const why = note(check);
  return (
    <ListItem
      className={classes.row}
      aria-label={check.title}
      data-testid={`check-${check.checkId}`}
      divider
    >
      <FactsExpander check={check}>
        <Box className={classes.summary}>
          <span className={classes.icon}>
            <CheckStateIcon state={check.state} decorative />
          </span>
          <Box minWidth={0}>
            <Typography variant="body2" component="span">
              {check.title}
            </Typography>
            <Typography variant="caption" color="textSecondary">
              <span aria-hidden> · </span>
              <span>{STATE_LABELS[check.state]}</span>
            </Typography>
            {(stale || why) && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {[stale, why].filter(Boolean).join(' · ')}
              </Typography>
            )}
          </Box>
        </Box>
      </FactsExpander>
    </ListItem>
  );
}

/**
 * The checks that need nothing now (passing, exempt, no data, not
 * applicable), folded behind one toggle, one line each.
 */
export function OtherChecks(props: { checks: EntityCheckView[] }) {
  const { checks } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  if (checks.length === 0) return null;
  return (
    <Box mt={1}>
      <Button
        size="small"
        className={classes.toggle}
        onClick={() => setOpen(o => !o)}
        aria-expanded={open}
        aria-controls={open ? 'scorecard-other-checks' : undefined}
        startIcon={open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
      >
        {countLabel(checks)}
      </Button>
      <Collapse in={open} unmountOnExit>
        <List dense id="scorecard-other-checks" aria-label="Other checks">
          {checks.map(check => (
            <OtherCheckRow key={check.checkId} check={check} />
          ))}
        </List>
      </Collapse>
    </Box>
  );
}
