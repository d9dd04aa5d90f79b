import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { TeamRollup } from '@internal/plugin-scorecard-common';
import { formatScore } from '../format';

/** The three checks most of the team's services fail, with counts. */
export function worstChecks(
  failing: Record<string, number>,
  titles: Map<string, string>,
  max = 3,
): string {
  const worst = Object.entries(failing)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, max);
  if (worst.length === 0) return 'None';
  return worst.map(([id, n]) => `${titles.get(id) ?? id} (${n})`).join(', ');
}

/**
 * Teams worst first: most services failing a critical check, then lowest
 * average score. Figures include sub-teams (the backend follows `spec.parent`).
 */
export function sortTeams(items: TeamRollup[]): TeamRollup[] {
  return [...items].sort(
    (a, b) =>
      b.criticalFailingCount - a.criticalFailingCount ||
      (a.averageScore ?? 2) - (b.averageScore ?? 2) ||
      a.owner.localeCompare(b.owner),
  );
}

/**
 * The teams, worst first, as a table named "Teams"; a team's row is
 * selected while the services above are filtered to it. Material UI's
 * table, like the services', for the same reasons (see `ServicesTable`):
 * core-components' `Table` cannot name its `<table>`, and prints React
 * 18.3 `defaultProps` deprecations that fail the frontend tests.
 */
export function TeamRollupTable(props: {
  items: TeamRollup[];
  checkTitles: Map<string, string>;
  selectedOwner?: string;
  onSelect: (owner: string) => void;
}) {
  const { items, checkTitles, selectedOwner, onSelect } = props;
  if (items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No team owns an evaluated service yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Teams">
      <TableHead>
        <TableRow>
          <TableCell>Team</TableCell>
          <TableCell align="right">Services</TableCell>
          <TableCell align="right">Average score</TableCell>
          <TableCell align="right">Failing a critical check</TableCell>
          <TableCell>Most failed checks</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {sortTeams(items).map(team => (
          <TableRow
            key={team.owner}
            selected={team.owner === selectedOwner}
            data-testid={`team-${team.owner}`}
          >
            <TableCell>
              <EntityRefLink entityRef={team.owner} defaultKind="group">
                {team.title}
              </EntityRefLink>
              {team.entityCount !== team.direct.entityCount && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  incl. sub-teams ({team.direct.entityCount} own)
                </Typography>
              )}
            </TableCell>
            <TableCell align="right">{team.entityCount}</TableCell>
            <TableCell align="right">
              {formatScore(team.averageScore)}
            </TableCell>
            <TableCell align="right">
              <Typography
                variant="body2"
                color={team.criticalFailingCount > 0 ? 'error' : 'inherit'}
                style={{
                  fontWeight: team.criticalFailingCount > 0 ? 700 : 400,
                }}
              >
                {team.criticalFailingCount}
              </Typography>
            </TableCell>
            <TableCell>
              {worstChecks(team.failingChecks, checkTitles)}
            </TableCell>
            <TableCell align="right">
              <Button
                size="small"
                onClick={() => onSelect(team.owner)}
                aria-label={`Show services of ${team.title ?? team.owner}`}
              >
                Show services
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
