import { rollUpTeams } from './teams';

describe('rollUpTeams', () => {
  it('adds sub-teams into their parents and keeps direct figures', () => {
    const teams = rollUpTeams(
      [
        {
          owner: 'group:default/payments',
          entityCount: 2,
          scoredCount: 2,
          averageScore: 0.5,
          criticalFailingCount: 1,
          failingChecks: { 'ci-passing': 1 },
        },
        {
          owner: 'group:default/platform',
          entityCount: 1,
          scoredCount: 1,
          averageScore: 1,
          criticalFailingCount: 0,
          failingChecks: {},
        },
        {
          owner: 'group:default/ghost',
          entityCount: 1,
          scoredCount: 0,
          averageScore: null,
          criticalFailingCount: 0,
          failingChecks: { 'has-owner': 1 },
        },
      ],
      [
        { ref: 'group:default/org', parent: null },
        { ref: 'group:default/eng', parent: 'group:default/org' },
        { ref: 'group:default/payments', parent: 'group:default/eng' },
        { ref: 'group:default/platform', parent: 'group:default/eng' },
      ],
    );
    const byOwner = Object.fromEntries(teams.map(t => [t.owner, t]));
    expect(byOwner['group:default/eng']).toMatchObject({
      parent: 'group:default/org',
      entityCount: 3,
      scoredCount: 3,
      averageScore: 2 / 3,
      criticalFailingCount: 1,
      failingChecks: { 'ci-passing': 1 },
      direct: { entityCount: 0 },
    });
    expect(byOwner['group:default/org'].entityCount).toBe(3);
    expect(byOwner['group:default/payments']).toMatchObject({
      entityCount: 2,
      direct: { entityCount: 2, averageScore: 0.5 },
    });
    expect(byOwner['group:default/ghost']).toMatchObject({
      parent: null,
      averageScore: null,
    });
  });

  it('survives a cycle in the hierarchy', () => {
    const teams = rollUpTeams(
      [
        {
          owner: 'group:default/a',
          entityCount: 1,
          scoredCount: 1,
          averageScore: 1,
          criticalFailingCount: 0,
          failingChecks: {},
        },
      ],
      [
        { ref: 'group:default/a', parent: 'group:default/b' },
        { ref: 'group:default/b', parent: 'group:default/a' },
      ],
    );
    expect(teams.map(t => [t.owner, t.entityCount])).toEqual([
      ['group:default/a', 1],
      ['group:default/b', 1],
    ]);
  });
});
