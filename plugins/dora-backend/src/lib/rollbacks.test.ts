import {
  comparePositions,
  firstPositions,
  HistoryDeployment,
  inferRollbacks,
} from './rollbacks';

const d = (
  id: number,
  finishedAt: number,
  commitSha: string | null,
  kindDeclared = false,
): HistoryDeployment => ({
  id,
  key: `k${id}`,
  finishedAt,
  commitSha,
  kindDeclared,
});

const infer = (history: HistoryDeployment[], from = -Infinity) =>
  Object.fromEntries(inferRollbacks(history, firstPositions(history), from));

describe('inferRollbacks', () => {
  it('rolls back the live deployment when going back to an older commit', () => {
    // A, B, A: the second A rolls back B.
    expect(infer([d(1, 0, 'A'), d(2, 1, 'B'), d(3, 2, 'A')])).toEqual({
      1: null,
      2: null,
      3: 2,
    });
  });

  it('reads "older" from the first deployment of each commit', () => {
    // B, A, B, A: the second B goes back (B came first), the second A
    // goes forward again.
    expect(
      infer([d(1, 0, 'B'), d(2, 1, 'A'), d(3, 2, 'B'), d(4, 3, 'A')]),
    ).toEqual({ 1: null, 2: null, 3: 2, 4: null });
    // A, B, C, A: the second A rolls back C, the live one.
    expect(
      infer([d(1, 0, 'A'), d(2, 1, 'B'), d(3, 2, 'C'), d(4, 3, 'A')]),
    ).toMatchObject({ 4: 3 });
  });

  it('infers nothing for declared kinds, unknown commits or the same commit', () => {
    expect(infer([d(1, 0, 'A'), d(2, 1, 'B'), d(3, 2, 'A', true)])).toEqual({
      1: null,
      2: null,
    });
    expect(infer([d(1, 0, 'A'), d(2, 1, null), d(3, 2, 'A')])).toEqual({
      1: null,
      2: null,
      3: null,
    });
    expect(infer([d(1, 0, 'A'), d(2, 1, 'B'), d(3, 2, 'B')])).toMatchObject({
      3: null,
    });
  });

  it('orders ties by idempotency key, whatever the order given', () => {
    const history = [d(1, 0, 'A'), d(3, 5, 'C'), d(2, 5, 'A')];
    // k2 (A) before k3 (C) at the same finish: C rolls nothing back.
    expect(infer(history)).toEqual({ 1: null, 2: null, 3: null });
    expect(infer([...history].reverse())).toEqual(infer(history));
    expect(comparePositions(history[1], history[2])).toBeGreaterThan(0);
  });

  it('decides only from `from` on', () => {
    const history = [d(1, 0, 'A'), d(2, 1, 'B'), d(3, 2, 'A')];
    expect(infer(history, 2)).toEqual({ 3: 2 });
  });
});
