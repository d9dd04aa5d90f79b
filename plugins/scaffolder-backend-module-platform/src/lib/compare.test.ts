import { differences } from './compare';

describe('differences', () => {
  it('ignores fields the server added', () => {
    expect(
      differences(
        { spec: { project: 'team-a', labels: { a: '1' } } },
        {
          spec: { project: 'team-a', labels: { a: '1', b: '2' } },
          status: { health: 'Healthy' },
        },
      ),
    ).toEqual([]);
  });

  it('names every differing path, arrays compared element-wise', () => {
    expect(
      differences(
        { spec: { project: 'team-a', syncOptions: ['A', 'B'], n: 1 } },
        { spec: { project: 'team-b', syncOptions: ['A', 'C'] } },
      ),
    ).toEqual(['spec.project', 'spec.syncOptions[1]', 'spec.n']);
  });

  it('treats a different array length or a missing object as one difference', () => {
    expect(differences({ a: [1, 2] }, { a: [1] })).toEqual(['a']);
    expect(differences({ a: { b: 1 } }, {})).toEqual(['a']);
  });
});
