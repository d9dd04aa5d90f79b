import { computeLevel, computeScore } from './scoring';
import { LevelDefinition } from './types';

const levels: LevelDefinition[] = [
  { id: 'bronze', requires: ['critical'] },
  { id: 'silver', requires: ['critical', 'high'] },
  { id: 'gold', requires: ['critical', 'high', 'medium', 'low'] },
];

describe('computeScore', () => {
  it('divides passed weight by applicable weight', () => {
    const result = computeScore(
      [
        { weight: 'critical', state: 'pass' }, // 8
        { weight: 'high', state: 'fail' }, // 4
        { weight: 'low', state: 'pass' }, // 1
      ],
      levels,
    );
    expect(result.score).toBeCloseTo(9 / 13);
    expect(result.passedWeight).toBe(9);
    expect(result.applicableWeight).toBe(13);
    expect(result.criticalFailing).toBe(false);
    expect(result.level).toBe('bronze');
  });

  it('leaves exempt, not applicable and warn out', () => {
    const result = computeScore([
      { weight: 'high', state: 'pass' },
      { weight: 'critical', state: 'exempt' },
      { weight: 'critical', state: 'not_applicable' },
      { weight: 'critical', state: 'warn' },
    ]);
    expect(result.score).toBe(1);
    expect(result.applicableWeight).toBe(4);
    expect(result.criticalFailing).toBe(false);
  });

  it('never counts no_data or error as pass or fail', () => {
    const result = computeScore(
      [
        { weight: 'medium', state: 'pass' },
        { weight: 'critical', state: 'no_data' },
        { weight: 'high', state: 'error' },
      ],
      levels,
    );
    expect(result.score).toBe(1);
    expect(result.applicableWeight).toBe(2);
    expect(result.unknownWeight).toBe(12);
    expect(result.criticalFailing).toBe(false);
    expect(result.level).toBe('gold');
  });

  it('flags a failing critical check whatever the percentage', () => {
    const result = computeScore(
      [
        { weight: 'critical', state: 'fail' },
        { weight: 'critical', state: 'pass' },
        { weight: 'high', state: 'pass' },
        { weight: 'high', state: 'pass' },
        { weight: 'high', state: 'pass' },
        { weight: 'high', state: 'pass' },
        { weight: 'high', state: 'pass' },
      ],
      levels,
    );
    expect(result.score).toBeGreaterThan(0.75);
    expect(result.criticalFailing).toBe(true);
    expect(result.level).toBeNull();
  });

  it('has no score when nothing applies', () => {
    expect(
      computeScore([{ weight: 'low', state: 'not_applicable' }], levels),
    ).toMatchObject({ score: null, level: null });
  });
});

describe('computeLevel', () => {
  it('stops at the first level that is not reached', () => {
    expect(
      computeLevel(
        [
          { weight: 'high', state: 'pass' },
          { weight: 'medium', state: 'fail' },
        ],
        levels,
      ),
    ).toBe('silver');
    expect(
      computeLevel(
        [
          { weight: 'high', state: 'fail' },
          { weight: 'low', state: 'pass' },
        ],
        levels,
      ),
    ).toBe('bronze');
  });
});
