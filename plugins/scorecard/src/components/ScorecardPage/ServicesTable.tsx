import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import ErrorIcon from '@material-ui/icons/Error';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  EntityScoreSummary,
  LevelDefinition,
} from '@internal/plugin-scorecard-common';
import { formatAge, formatScore, levelLabel } from '../format';

/**
 * One page of services, in the backend's order (worst first), as a table
 * named "Services" (the page's tests and the browser suite find it by that
 * name). Material UI's table rather than core-components' `Table`: that
 * one (material-table) passes no props to its `<table>`, so the table could
 * not carry its name; its paging counts and sorts the rows it holds, where
 * these are a page of the backend's, fetched with a cursor and already
 * sorted (the page's own pager goes back and forth); and under React 18.3
 * it prints `defaultProps` deprecations, which fail the frontend tests.
 */
export function ServicesTable(props: {
  items: EntityScoreSummary[];
  levels: LevelDefinition[];
  checkTitles: Map<string, string>;
}) {
  const { items, levels, checkTitles } = props;
  return (
    <Table size="small" aria-label="Services">
      <TableHead>
        <TableRow>
          <TableCell>Service</TableCell>
          <TableCell>Owner</TableCell>
          <TableCell align="right">Score</TableCell>
          <TableCell>Level</TableCell>
          <TableCell>Failing checks</TableCell>
          <TableCell>Evaluated</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map(item => (
          <TableRow key={item.entityRef} data-testid={`row-${item.entityRef}`}>
            <TableCell>
              <EntityRefLink entityRef={item.entityRef} hideIcon>
                {item.title ?? item.name}
              </EntityRefLink>
              {item.criticalFailing && (
                <Box mt={0.5}>
                  <Chip
                    size="small"
                    color="secondary"
                    icon={<ErrorIcon />}
                    label="Failing a critical check"
                    style={{ fontWeight: 700 }}
                  />
                </Box>
              )}
            </TableCell>
            <TableCell>
              {item.owner ? (
                <EntityRefLink entityRef={item.owner} defaultKind="group" />
              ) : (
                'No owner'
              )}
            </TableCell>
            <TableCell align="right">{formatScore(item.score)}</TableCell>
            <TableCell>{levelLabel(item.level, levels)}</TableCell>
            <TableCell>
              {item.failingChecks.length === 0
                ? 'None'
                : item.failingChecks
                    .map(id => checkTitles.get(id) ?? id)
                    .join(', ')}
            </TableCell>
            <TableCell>{formatAge(item.evaluatedAt)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
