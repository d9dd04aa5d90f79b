import {
  ageText,
  clockTime,
  levelName,
  providerName,
  whenText,
} from './format';

// Local times, so the expectations hold in every time zone.
const now = new Date(2026, 0, 7, 14, 30); // Wed 7 Jan 2026, 14:30

describe('format', () => {
  it('names the providers and levels as people say them', () => {
    expect(providerName('pagerduty')).toBe('PagerDuty');
    expect(providerName('annotation')).toBe(
      'the paved-road.io/on-call annotation',
    );
    expect(providerName('opsgenie')).toBe('opsgenie');
    expect([1, 2, 3].map(levelName)).toEqual([
      'Primary',
      'Secondary',
      'Level 3',
    ]);
  });

  it('gives local 24-hour times', () => {
    expect(clockTime(new Date(2026, 0, 7, 2, 4))).toBe('02:04');
    expect(clockTime(new Date(2026, 0, 7, 23, 59))).toBe('23:59');
  });

  it('says the day only when it is not today', () => {
    const at = (...parts: number[]) =>
      whenText(
        new Date(2026, parts[0], parts[1], parts[2], parts[3]).toISOString(),
        now,
      );
    expect(at(0, 7, 2, 14)).toBe('02:14');
    expect(at(0, 8, 9, 0)).toBe('tomorrow 09:00');
    expect(at(0, 6, 21, 0)).toBe('yesterday 21:00');
    expect(at(0, 9, 9, 0)).toBe('Fri 09:00');
    expect(at(0, 19, 9, 0)).toBe('Mon 19 Jan 09:00');
    expect(at(0, 2, 9, 0)).toBe('Fri 2 Jan 09:00');
    expect(whenText(new Date(2025, 11, 31, 8, 0).toISOString(), now)).toBe(
      'Wed 31 Dec 2025 08:00',
    );
  });

  it('gives ages in minutes, hours, then days', () => {
    const ago = (ms: number) =>
      ageText(new Date(now.getTime() - ms).toISOString(), now);
    expect(ago(20_000)).toBe('just now');
    expect(ago(12 * 60_000 + 30_000)).toBe('12 min ago');
    expect(ago(3 * 3_600_000 + 60_000)).toBe('3 h ago');
    expect(ago(47 * 3_600_000)).toBe('47 h ago');
    expect(ago(3 * 86_400_000)).toBe('3 days ago');
    // A clock a little ahead of ours is not "in the future".
    expect(ago(-5_000)).toBe('just now');
  });
});
