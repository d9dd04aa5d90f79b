import {
  EntityOrphanWarning,
  EntityProcessingErrorsPanel,
  EntityRelationWarning,
  EntitySwitch,
  hasCatalogProcessingErrors,
  hasRelationWarnings,
  isOrphan,
} from '@backstage/plugin-catalog';
import { EntityContentLayoutProps } from '@backstage/plugin-catalog-react/alpha';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  warnings: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(3),
    '&:empty': { display: 'none' },
  },
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(3),
    [theme.breakpoints.up('lg')]: {
      display: 'grid',
      gridTemplateColumns: '2fr 1fr',
      alignItems: 'start',
    },
  },
  column: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(3),
    minWidth: 0,
  },
  info: {
    [theme.breakpoints.up('lg')]: { gridColumn: 2, gridRow: 1 },
  },
}));

/**
 * The overview of an entity: the content cards in the wide column, the info
 * cards beside them from 1280 px up (narrower, a third of the width squeezes
 * the profile cards; they stack above the content instead). Unlike upstream's
 * default, the info column is not held to the window's height with a hidden
 * scroll bar: every card shows all it has, and the page scrolls as a whole.
 */
export function EntityOverviewLayout({ cards }: EntityContentLayoutProps) {
  const classes = useStyles();
  const info = cards.filter(card => card.type === 'info');
  const content = cards.filter(card => card.type !== 'info');
  return (
    <>
      <div className={classes.warnings}>
        <EntitySwitch>
          <EntitySwitch.Case if={isOrphan}>
            <EntityOrphanWarning />
          </EntitySwitch.Case>
        </EntitySwitch>
        <EntitySwitch>
          <EntitySwitch.Case if={hasRelationWarnings}>
            <EntityRelationWarning />
          </EntitySwitch.Case>
        </EntitySwitch>
        <EntitySwitch>
          <EntitySwitch.Case if={hasCatalogProcessingErrors}>
            <EntityProcessingErrorsPanel />
          </EntitySwitch.Case>
        </EntitySwitch>
      </div>
      <div className={classes.root}>
        {info.length > 0 && (
          <div className={`${classes.column} ${classes.info}`}>
            {info.map(card => card.element)}
          </div>
        )}
        <div className={classes.column}>
          {content.map(card => card.element)}
        </div>
      </div>
    </>
  );
}
