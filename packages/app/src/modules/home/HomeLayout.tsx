import { Content, Header, Page } from '@backstage/core-components';
import { HomePageLayoutProps } from '@backstage/plugin-home-react/alpha';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  grid: {
    display: 'grid',
    gap: theme.spacing(3),
    gridTemplateColumns: 'repeat(auto-fit, minmax(360px, 1fr))',
    alignItems: 'start',
  },
  // The search bar spans the page: it is the first thing to use.
  wide: { gridColumn: '1 / -1' },
}));

/**
 * The home page: every installed widget, in order, in a grid that reflows
 * with the window; no empty drag-and-drop canvas to fill first.
 */
export function HomeLayout({ widgets }: HomePageLayoutProps) {
  const classes = useStyles();
  return (
    <Page themeId="home">
      <Header
        title="Paved Road"
        subtitle="Find a service, start one, and see how your teams' services do"
      />
      <Content>
        <div className={classes.grid}>
          {widgets.map((widget, index) => (
            <div
              key={widget.name ?? index}
              className={widget.name === 'search' ? classes.wide : undefined}
            >
              {widget.component}
            </div>
          ))}
        </div>
      </Content>
    </Page>
  );
}
