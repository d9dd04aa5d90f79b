import { check } from '../../__testUtils__/fixtures';
import { countLabel, splitChecks, staleLabel } from './checkOrder';

describe('splitChecks', () => {
  it('puts failures first, then warnings, then errors, each worst weight first', () => {
    const { failing, others } = splitChecks([
      check({ checkId: 'error-high', state: 'error', weight: 'high' }),
      check({ checkId: 'fail-low', state: 'fail', weight: 'low' }),
      check({ checkId: 'pass', state: 'pass', weight: 'critical' }),
      check({ checkId: 'warn-critical', state: 'warn', weight: 'critical' }),
      check({ checkId: 'fail-critical', state: 'fail', weight: 'critical' }),
      check({ checkId: 'fail-medium-b', state: 'fail', weight: 'medium' }),
      check({ checkId: 'fail-medium-a', state: 'fail', weight: 'medium' }),
    ]);
    expect(failing.map(c => c.checkId)).toEqual([
      'fail-critical',
      'fail-medium-a',
      'fail-medium-b',
      'fail-low',
      'warn-critical',
      'error-high',
    ]);
    expect(others.map(c => c.checkId)).toEqual(['pass']);
  });

  it('folds no data first, then exempt, passing and not applicable', () => {
    const { failing, others } = splitChecks([
      check({ checkId: 'n/a', state: 'not_applicable' }),
      check({ checkId: 'pass', state: 'pass' }),
      check({ checkId: 'exempt', state: 'exempt' }),
      check({ checkId: 'no-data', state: 'no_data' }),
    ]);
    expect(failing).toEqual([]);
    expect(others.map(c => c.checkId)).toEqual([
      'no-data',
      'exempt',
      'pass',
      'n/a',
    ]);
  });
});

describe('countLabel', () => {
  it('counts the folded checks by state', () => {
    expect(
      countLabel([
        check({ checkId: 'a', state: 'pass' }),
        check({ checkId: 'b', state: 'pass' }),
        check({ checkId: 'c', state: 'no_data' }),
        check({ checkId: 'd', state: 'not_applicable' }),
      ]),
    ).toBe('2 passing checks · 1 no data · 1 not applicable');
    expect(countLabel([check({ checkId: 'a', state: 'pass' })])).toBe(
      '1 passing check',
    );
    expect(countLabel([check({ checkId: 'a', state: 'exempt' })])).toBe(
      '1 exempt',
    );
  });
});

describe('staleLabel', () => {
  it('names the last known state of a stale result', () => {
    expect(
      staleLabel(check({ checkId: 'a', stale: true, lastKnownState: 'fail' })),
    ).toBe('Stale (last known: fail)');
    expect(staleLabel(check({ checkId: 'a', stale: true }))).toBe('Stale');
    expect(staleLabel(check({ checkId: 'a' }))).toBeUndefined();
  });
});
