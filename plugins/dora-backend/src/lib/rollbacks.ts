/*
 * Rollbacks inferred from deployment history (README, "Inferred
 * rollbacks"). Pure functions over the history of one service in one
 * environment: its successful production-tier deployments. The store applies
 * them at ingestion and in the backfill (operations/ingest/inferRollbacks.ts).
 *
 * We do not have the commit graph, so "older" is read from the history: a
 * commit is older than another when it was first deployed to the
 * environment before it. A deployment whose event sent no kind is a
 * rollback of the deployment live just before it (its predecessor in the
 * history) when its commit is older than that deployment's.
 */

/**
 * Where a deployment stands in its environment's history: by finish, then
 * by idempotency key, so that the order (and every inference) is the same
 * whatever order the events arrived in.
 */
export interface HistoryPosition {
  finishedAt: number;
  key: string;
}

/** A deployment of the history (successful, production tier). */
export interface HistoryDeployment extends HistoryPosition {
  id: number;
  commitSha: string | null;
  /** The event sent a kind: taken as it is, never inferred. */
  kindDeclared: boolean;
}

/** Negative when `a` comes first in the history, 0 for the same place. */
export function comparePositions(
  a: HistoryPosition,
  b: HistoryPosition,
): number {
  if (a.finishedAt !== b.finishedAt) return a.finishedAt - b.finishedAt;
  if (a.key === b.key) return 0;
  return a.key < b.key ? -1 : 1;
}

/**
 * The first deployment of each commit in `deployments` (the earliest
 * position), merged into `into` when given.
 */
export function firstPositions(
  deployments: Array<HistoryPosition & { commitSha: string | null }>,
  into = new Map<string, HistoryPosition>(),
): Map<string, HistoryPosition> {
  for (const d of deployments) {
    if (d.commitSha === null) continue;
    const known = into.get(d.commitSha);
    if (!known || comparePositions(d, known) < 0) {
      into.set(d.commitSha, { finishedAt: d.finishedAt, key: d.key });
    }
  }
  return into;
}

/**
 * The id of the deployment `d` rolls back, or null: `live` is the one
 * before it in the history (what was live when it started), `firsts` the
 * first deployment of each commit. Only when the event sent no kind, both
 * have a commit, and `d`'s commit was first deployed before `live`'s.
 */
export function rolledBack(
  d: HistoryDeployment,
  live: HistoryDeployment | undefined,
  firsts: Map<string, HistoryPosition>,
): number | null {
  if (d.kindDeclared || !live || !d.commitSha || !live.commitSha) return null;
  if (d.commitSha === live.commitSha) return null;
  const mine = firsts.get(d.commitSha);
  const theirs = firsts.get(live.commitSha);
  return mine && theirs && comparePositions(mine, theirs) < 0 ? live.id : null;
}

/**
 * The inference for each deployment of `history` that finished at or after
 * `from` and whose event sent no kind: the id of the deployment it rolls
 * back, or null. `history` holds every deployment from the last one that
 * finished before `from` on (any order); `firsts` the first deployment of
 * each of their commits in the whole history. Deployments before `from`
 * keep theirs: nothing after them changes what was live before them, nor
 * when their commits were first deployed.
 */
export function inferRollbacks(
  history: HistoryDeployment[],
  firsts: Map<string, HistoryPosition>,
  from: number,
): Map<number, number | null> {
  const ordered = [...history].sort(comparePositions);
  const out = new Map<number, number | null>();
  ordered.forEach((d, i) => {
    if (d.finishedAt < from || d.kindDeclared) return;
    out.set(d.id, rolledBack(d, ordered[i - 1], firsts));
  });
  return out;
}
