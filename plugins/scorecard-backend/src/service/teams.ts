import { GroupNode } from '@internal/paved-road-node';
import { ScoreTotals, TeamRollup } from '@internal/plugin-scorecard-common';

const empty = (): ScoreTotals => ({
  entityCount: 0,
  scoredCount: 0,
  averageScore: null,
  criticalFailingCount: 0,
  failingChecks: {},
});

function add(into: ScoreTotals & { scoreSum?: number }, from: ScoreTotals) {
  into.entityCount += from.entityCount;
  into.scoredCount += from.scoredCount;
  into.scoreSum =
    (into.scoreSum ?? 0) + (from.averageScore ?? 0) * from.scoredCount;
  into.criticalFailingCount += from.criticalFailingCount;
  for (const [check, n] of Object.entries(from.failingChecks)) {
    into.failingChecks[check] = (into.failingChecks[check] ?? 0) + n;
  }
}

/**
 * Rolls owner totals up the group hierarchy: a group's figures include those
 * of every group below it. Owners that are not groups in the catalog (users,
 * deleted groups) keep their own row. Pure.
 */
export function rollUpTeams(
  direct: Array<ScoreTotals & { owner: string }>,
  groups: Array<Pick<GroupNode, 'ref' | 'parent' | 'title'>>,
): TeamRollup[] {
  const byRef = new Map(groups.map(g => [g.ref, g]));
  const rows = new Map<string, TeamRollup & { scoreSum?: number }>();
  const row = (owner: string) => {
    let r = rows.get(owner);
    if (!r) {
      const group = byRef.get(owner);
      r = {
        owner,
        title: group?.title,
        parent: group?.parent ?? null,
        ...empty(),
        direct: empty(),
      };
      rows.set(owner, r);
    }
    return r;
  };
  for (const totals of direct) {
    const { owner, ...figures } = totals;
    row(owner).direct = {
      ...figures,
      failingChecks: { ...figures.failingChecks },
    };
    // The owner itself and every ancestor, once each (cycles are cut).
    const seen = new Set<string>();
    let current: string | null = owner;
    while (current && !seen.has(current)) {
      seen.add(current);
      add(row(current), figures);
      current = byRef.get(current)?.parent ?? null;
    }
  }
  return [...rows.values()]
    .map(({ scoreSum, ...r }) => ({
      ...r,
      averageScore: r.scoredCount > 0 ? (scoreSum ?? 0) / r.scoredCount : null,
    }))
    .sort((a, b) => a.owner.localeCompare(b.owner));
}
