import { ReactNode } from 'react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';

/** A column of a drill-down table: its header and what a row shows in it. */
export interface DrillDownColumn<T> {
  title: string;
  render: (row: T) => ReactNode;
  /** The row's service: left out on a service's own view. */
  service?: boolean;
}

/**
 * One page of a drill-down list as a small table, named for assistive
 * technology and tests (`getByRole('table', { name: 'Changes' })`).
 *
 * Material UI's table rather than core-components' `Table`: that one
 * (material-table) passes no props to its `<table>`, so the table could
 * not carry its name; its paging adds a second `<table>` (the paging here
 * is the card's `TablePagination`); and under React 18.3 it prints
 * `defaultProps` deprecations, which fail the frontend tests.
 */
export function DrillDownTable<T extends { id: string }>(props: {
  /** The table's accessible name. */
  name: string;
  columns: DrillDownColumn<T>[];
  rows: T[];
  showService: boolean;
}) {
  const columns = props.columns.filter(c => props.showService || !c.service);
  return (
    <Table size="small" aria-label={props.name}>
      <TableHead>
        <TableRow>
          {columns.map(column => (
            <TableCell key={column.title}>{column.title}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map(row => (
          <TableRow key={row.id}>
            {columns.map(column => (
              <TableCell key={column.title}>{column.render(row)}</TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
