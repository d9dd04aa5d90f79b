import {
  changeFailureRateLevel,
  deploymentFrequencyLevel,
  leadTimeLevel,
  recoveryTimeLevel,
} from './levels';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('DORA levels (2024 cut-offs)', () => {
  it('needs a minimum sample before giving a level', () => {
    expect(deploymentFrequencyLevel(4, 10)).toBe('insufficient-data');
    expect(leadTimeLevel(4, HOUR)).toBe('insufficient-data');
    expect(changeFailureRateLevel(0, null)).toBe('insufficient-data');
    expect(recoveryTimeLevel(2, HOUR)).toBe('insufficient-data');
  });

  it('classifies deployment frequency', () => {
    expect(deploymentFrequencyLevel(60, 2)).toBe('elite');
    expect(deploymentFrequencyLevel(30, 1)).toBe('elite');
    expect(deploymentFrequencyLevel(8, 8 / 30)).toBe('high');
    expect(deploymentFrequencyLevel(5, 5 / 90)).toBe('medium');
    expect(deploymentFrequencyLevel(5, 5 / 365)).toBe('low');
  });

  it('classifies lead time', () => {
    expect(leadTimeLevel(10, 23 * HOUR)).toBe('elite');
    expect(leadTimeLevel(10, DAY)).toBe('high');
    expect(leadTimeLevel(10, 10 * DAY)).toBe('medium');
    expect(leadTimeLevel(10, 31 * DAY)).toBe('low');
  });

  it('classifies change failure rate, never medium with the 2024 data', () => {
    expect(changeFailureRateLevel(20, 0.05)).toBe('elite');
    expect(changeFailureRateLevel(20, 0.1)).toBe('high');
    expect(changeFailureRateLevel(20, 0.2)).toBe('high');
    expect(changeFailureRateLevel(20, 0.25)).toBe('low');
  });

  it('classifies recovery time', () => {
    expect(recoveryTimeLevel(5, 30 * 60_000)).toBe('elite');
    expect(recoveryTimeLevel(5, 5 * HOUR)).toBe('high');
    expect(recoveryTimeLevel(5, 2 * DAY)).toBe('low');
  });
});
