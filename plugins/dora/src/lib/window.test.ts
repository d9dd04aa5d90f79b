import {
  DoraWindow,
  rangeError,
  windowBounds,
  windowFromParams,
  windowLength,
  windowParams,
  windowPhrase,
  windowQuery,
} from './window';

/** 14:30 UTC on 10 September 2025. */
const NOW = Date.parse('2025-09-10T14:30:00Z');

describe('window', () => {
  it('queries a preset as the last whole UTC days, today included', () => {
    expect(windowQuery({ kind: 'preset', days: 30 }, NOW)).toEqual({
      from: '2025-08-12T00:00:00.000Z',
      to: '2025-09-11T00:00:00.000Z',
    });
    expect(windowBounds({ kind: 'preset', days: 30 }, NOW)).toEqual({
      from: '2025-08-12',
      to: '2025-09-10',
    });
  });

  it('queries a range up to the midnight after its last day', () => {
    const range: DoraWindow = {
      kind: 'custom',
      from: '2025-06-01',
      to: '2025-08-31',
    };
    expect(windowQuery(range)).toEqual({
      from: '2025-06-01T00:00:00.000Z',
      to: '2025-09-01T00:00:00.000Z',
    });
    expect(windowLength(range)).toBe(92);
    expect(windowPhrase(range)).toBe('from 1 Jun 2025 to 31 Aug 2025');
    expect(
      windowPhrase({ kind: 'custom', from: '2025-06-01', to: '2025-06-01' }),
    ).toBe('on 1 Jun 2025');
  });

  it('says what is wrong with a range', () => {
    expect(rangeError('2025-06-01', '2025-06-01', NOW)).toBeUndefined();
    expect(rangeError('2025-06-01', '2025-09-10', NOW)).toBeUndefined();
    expect(rangeError('', '2025-06-01', NOW)).toBe('Enter both dates.');
    expect(rangeError('2025-02-30', '2025-03-10', NOW)).toBe(
      'Enter both dates.',
    );
    expect(rangeError('2025-07-01', '2025-06-01', NOW)).toBe(
      'The start date must be on or before the end date.',
    );
    expect(rangeError('2025-06-01', '2025-09-11', NOW)).toBe(
      'The end date cannot be in the future (today is 2025-09-10 UTC).',
    );
    // The backend serves up to 3 × 366 days.
    expect(rangeError('2022-01-01', '2025-01-02', NOW)).toBeUndefined();
    expect(rangeError('2022-01-01', '2025-01-05', NOW)).toBe(
      'The range can be at most 3 years.',
    );
  });

  it('reads the window from a URL, ignoring what it cannot show', () => {
    const read = (query: string) =>
      windowFromParams(new URLSearchParams(query), NOW);
    expect(read('')).toEqual({ kind: 'preset', days: 30 });
    expect(read('window=90')).toEqual({ kind: 'preset', days: 90 });
    expect(read('window=7')).toEqual({ kind: 'preset', days: 30 });
    expect(read('from=2025-06-01&to=2025-08-31')).toEqual({
      kind: 'custom',
      from: '2025-06-01',
      to: '2025-08-31',
    });
    // A bad range falls back like any other bad value.
    expect(read('from=2025-08-01&to=2025-06-01')).toEqual({
      kind: 'preset',
      days: 30,
    });
    expect(read('from=2025-06-01&to=2026-01-01')).toEqual({
      kind: 'preset',
      days: 30,
    });
    expect(read('from=2025-06-01')).toEqual({ kind: 'preset', days: 30 });
    expect(read('window=180&from=June&to=July')).toEqual({
      kind: 'preset',
      days: 180,
    });
  });

  it('writes one kind of window to the URL and removes the other', () => {
    expect(
      windowParams({ kind: 'custom', from: '2025-06-01', to: '2025-08-31' }),
    ).toEqual({ window: undefined, from: '2025-06-01', to: '2025-08-31' });
    expect(windowParams({ kind: 'preset', days: 90 })).toEqual({
      window: '90',
      from: undefined,
      to: undefined,
    });
    expect(windowParams({ kind: 'preset', days: 30 })).toEqual({
      window: undefined,
      from: undefined,
      to: undefined,
    });
  });
});
