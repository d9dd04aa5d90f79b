import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { ThemeBlueprint } from '@backstage/plugin-app-react';
import {
  createUnifiedTheme,
  defaultComponentThemes,
  palettes,
  UnifiedThemeProvider,
} from '@backstage/theme';
import DarkIcon from '@material-ui/icons/Brightness2';
import LightIcon from '@material-ui/icons/WbSunny';

/*
 * Upstream's themes break words anywhere in table cells, so at 1024px the
 * catalog's first screen reads "Check out servic e". Here cells wrap
 * between words: a column is at least as wide as its longest word.
 */
const upstreamCell = defaultComponentThemes?.MuiTableCell?.styleOverrides ?? {};
type CellStyle = (props: { theme: unknown }) => object;
const wrapBetweenWords =
  (style: unknown): CellStyle =>
  props => ({
    ...(style as CellStyle)(props),
    wordBreak: 'normal',
    overflowWrap: 'break-word',
  });

function pavedRoadTheme(variant: 'light' | 'dark') {
  return createUnifiedTheme({
    palette: palettes[variant],
    components: {
      MuiTableCell: {
        styleOverrides: {
          ...upstreamCell,
          root: wrapBetweenWords(upstreamCell.root),
          head: wrapBetweenWords(upstreamCell.head),
        } as any,
      },
    },
  });
}

const light = pavedRoadTheme('light');
const dark = pavedRoadTheme('dark');

/** Upstream's light and dark themes, with tables that wrap between words. */
export const themeModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    ThemeBlueprint.make({
      name: 'light',
      params: {
        theme: {
          id: 'light',
          title: 'Light Theme',
          variant: 'light',
          icon: <LightIcon />,
          Provider: ({ children }) => (
            <UnifiedThemeProvider theme={light}>
              {children}
            </UnifiedThemeProvider>
          ),
        },
      },
    }),
    ThemeBlueprint.make({
      name: 'dark',
      params: {
        theme: {
          id: 'dark',
          title: 'Dark Theme',
          variant: 'dark',
          icon: <DarkIcon />,
          Provider: ({ children }) => (
            <UnifiedThemeProvider theme={dark}>{children}</UnifiedThemeProvider>
          ),
        },
      },
    }),
  ],
});
