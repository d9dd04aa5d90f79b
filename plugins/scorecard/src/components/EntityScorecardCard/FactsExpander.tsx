import { Fragment, ReactNode, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Collapse from '@material-ui/core/Collapse';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { EntityCheckView } from '@internal/plugin-scorecard-common';
import { formatAge, formatFactValue, formatTimestamp } from '../format';

const useStyles = makeStyles(theme => ({
  line: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5, 1),
  },
  facts: {
    display: 'grid',
    // Paths as wide as they need (up to 60 %), values take the rest; both
    // wrap rather than overflow a narrow column.
    gridTemplateColumns: 'fit-content(60%) minmax(0, 1fr)',
    gap: theme.spacing(0.25, 1.5),
    margin: theme.spacing(0.5, 0),
    padding: theme.spacing(0.75, 1),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.action.hover,
    fontFamily: 'monospace',
    fontSize: '0.75rem',
    '& dt': {
      color: theme.palette.text.secondary,
      overflowWrap: 'anywhere',
    },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
}));

/** A dotted fact path that may wrap after its dots in a narrow column. */
function breakable(path: string) {
  return path.split('.').map((part, i) => (
    <Fragment key={i}>
      {i > 0 && (
        <>
          .<wbr />
        </>
      )}
      {part}
    </Fragment>
  ));
}

/** The values a check looked at and when they were collected, compactly. */
export function Facts(props: { check: EntityCheckView }) {
  const { check } = props;
  const classes = useStyles();
  const values = Object.entries(check.factValues ?? {});
  return (
    <Box>
      {values.length > 0 && (
        <dl className={classes.facts}>
          {values.map(([path, value]) => {
            const text = formatFactValue(value, 160);
            const full = formatFactValue(value, Infinity);
            return (
              <Fragment key={path}>
                <dt>{breakable(path)}</dt>
                <dd title={text === full ? undefined : full}>{text}</dd>
              </Fragment>
            );
          })}
        </dl>
      )}
      <Typography variant="caption" color="textSecondary" component="p">
        {check.facts.length > 0
          ? `Collected: ${check.facts
              .map(
                f =>
                  `${f.source} ${formatAge(f.collectedAt)} (${formatTimestamp(
                    f.collectedAt,
                  )})`,
              )
              .join(', ')}`
          : 'No facts collected'}
      </Typography>
    </Box>
  );
}

/**
 * A line (`children`) ending in a "Show facts" toggle; the facts unfold
 * below it. Raw facts are for digging in, never shown by default.
 */
export function FactsExpander(props: {
  check: EntityCheckView;
  children?: ReactNode;
}) {
  const { check, children } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const panelId = `scorecard-facts-${check.checkId}`;
  return (
    <>
      <Box className={classes.line}>
        {children}
        <Button
          size="small"
          onClick={() => setOpen(o => !o)}
          aria-expanded={open}
          aria-controls={open ? panelId : undefined}
          endIcon={open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
        >
          {open ? 'Hide facts' : 'Show facts'}
        </Button>
      </Box>
      <Collapse in={open} unmountOnExit>
        <Box id={panelId} role="region" aria-label={`Facts of ${check.title}`}>
          <Facts check={check} />
        </Box>
      </Collapse>
    </>
  );
}
