import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Link } from '@backstage/core-components';
import { EntityCheckView } from '@internal/plugin-scorecard-common';
import { CheckStateIcon } from '../CheckStateIcon';
import { STATE_LABELS, severityLabel } from '../format';
import { EXEMPTABLE, staleLabel } from './checkOrder';
import { FactsExpander } from './FactsExpander';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    paddingLeft: 0,
    paddingRight: 0,
  },
  icon: {
    // Level with the title's first line.
    marginTop: 2,
    flexShrink: 0,
  },
  body: {
    flex: 1,
    minWidth: 0,
    overflowWrap: 'anywhere',
  },
  title: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5, 1),
  },
  critical: {
    borderColor: theme.palette.error.main,
    color: theme.palette.error.main,
    fontWeight: theme.typography.fontWeightBold as number,
  },
}));

/**
 * A check that needs attention: its name and severity, why it fails, how to
 * fix it, the exemption action and, folded, its facts.
 */
export function CheckRow(props: {
  check: EntityCheckView;
  onExempt?: (check: EntityCheckView) => void;
}) {
  const { check, onExempt } = props;
  const classes = useStyles();
  const stale = staleLabel(check);
  return (
    <ListItem
      className={classes.row}
      aria-label={check.title}
      data-testid={`check-${check.checkId}`}
      divider
    >
      <span className={classes.icon}>
        <CheckStateIcon state={check.state} />
      </span>
      <Box className={classes.body}>
        <Box className={classes.title}>
          <Typography variant="subtitle2" component="span">
            {check.title}
          </Typography>
          <Chip
            size="small"
            variant="outlined"
            label={severityLabel(check.weight)}
            className={check.weight === 'critical' ? classes.critical : ''}
          />
          {check.state !== 'fail' && (
            <Chip
              size="small"
              label={
                check.state === 'warn' && check.enforcedFrom
                  ? `${STATE_LABELS.warn}: enforced from ${check.enforcedFrom}`
                  : STATE_LABELS[check.state]
              }
            />
          )}
          {stale && <Chip size="small" color="secondary" label={stale} />}
        </Box>
        <Typography variant="body2">Why: {check.reason}</Typography>
        {check.remediation && (
          <Typography variant="body2">
            How to fix: {check.remediation.text}
            {check.remediation.link && (
              <>
                {' '}
                <Link to={check.remediation.link}>Read more</Link>
              </>
            )}
          </Typography>
        )}
        <FactsExpander check={check}>
          {onExempt && EXEMPTABLE.includes(check.state) && (
            <Button
              size="small"
              variant="outlined"
              onClick={() => onExempt(check)}
              aria-label={`Exempt ${check.title}`}
            >
              Exempt…
            </Button>
          )}
        </FactsExpander>
      </Box>
    </ListItem>
  );
}
