import {
  formatAge,
  formatFactValue,
  formatScore,
  formatTimestamp,
  levelLabel,
  severityLabel,
} from './format';

describe('format', () => {
  it('shows the score as a whole percentage and a dash without one', () => {
    expect(formatScore(0.666)).toBe('67 %');
    expect(formatScore(0)).toBe('0 %');
    expect(formatScore(null)).toBe('—');
  });

  it('names the level from the levels in force', () => {
    const levels = [{ id: 'gold', title: 'Gold standard', requires: [] }];
    expect(levelLabel('gold', levels)).toBe('Gold standard');
    expect(levelLabel('silver', levels)).toBe('Silver');
    expect(levelLabel(null, levels)).toBe('No level');
  });

  it('names a weight as a severity', () => {
    expect(severityLabel('critical')).toBe('Critical');
    expect(severityLabel('low')).toBe('Low');
  });

  it('says how old a fact is', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(formatAge('2026-11-25T11:59:30Z', now)).toBe('just now');
    expect(formatAge('2026-11-25T11:15:00Z', now)).toBe('45 min ago');
    expect(formatAge('2026-11-25T02:00:00Z', now)).toBe('10 h ago');
    expect(formatAge('2026-11-20T12:00:00Z', now)).toBe('5 days ago');
    expect(formatAge(undefined, now)).toBe('never');
  });

  it('prints timestamps in UTC and fact values on one line', () => {
    expect(formatTimestamp('2026-11-25T09:30:12Z')).toBe(
      '2026-11-25 09:30 UTC',
    );
    expect(formatFactValue({ conclusion: 'failure' })).toBe(
      '{"conclusion":"failure"}',
    );
    expect(formatFactValue(undefined)).toBe('missing');
    expect(formatFactValue('x'.repeat(100), 10)).toBe('xxxxxxxxx…');
  });
});
