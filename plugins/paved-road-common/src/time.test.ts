import { DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS } from './time';

describe('time constants', () => {
  it('are milliseconds', () => {
    const start = Date.parse('2026-03-02T00:00:00Z');
    expect(new Date(start + MINUTE_MS).toISOString()).toBe(
      '2026-03-02T00:01:00.000Z',
    );
    expect(new Date(start + HOUR_MS).toISOString()).toBe(
      '2026-03-02T01:00:00.000Z',
    );
    expect(new Date(start + DAY_MS).toISOString()).toBe(
      '2026-03-03T00:00:00.000Z',
    );
    expect(new Date(start + WEEK_MS).toISOString()).toBe(
      '2026-03-09T00:00:00.000Z',
    );
  });
});
