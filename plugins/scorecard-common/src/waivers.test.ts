import { latestWaiverExpiry, MAX_WAIVER_DAYS } from './waivers';

describe('latestWaiverExpiry', () => {
  it('is MAX_WAIVER_DAYS after the given time', () => {
    expect(MAX_WAIVER_DAYS).toBe(366);
    expect(
      latestWaiverExpiry(new Date('2026-11-25T12:00:00Z')).toISOString(),
    ).toBe('2027-11-26T12:00:00.000Z');
  });
});
