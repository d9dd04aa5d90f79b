import {
  formatDuration,
  formatFrequency,
  formatPercent,
  formatShare,
  formatTimestamp,
} from './format';

const HOUR = 3600_000;

describe('format', () => {
  it('says durations in the unit a person would', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(5.25 * HOUR)).toBe('5.3 h');
    expect(formatDuration(30 * HOUR)).toBe('30 h');
    expect(formatDuration(3.1 * 24 * HOUR)).toBe('3.1 days');
  });

  it('formats rates and frequencies', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(0.075)).toBe('7.5 %');
    expect(formatPercent(0.25)).toBe('25 %');
    expect(formatFrequency(2.5, 17.5)).toBe('2.5 / day');
    expect(formatFrequency(0.5, 3.5)).toBe('3.5 / week');
    expect(formatShare(3, 40)).toBe('3 of 40 (7.5 %)');
  });

  it('shows timestamps in UTC', () => {
    expect(formatTimestamp('2026-03-01T14:05:00Z')).toBe(
      '1 Mar 2026, 14:05 UTC',
    );
  });
});
