import { environmentTier } from './ingestion';

describe('environmentTier', () => {
  it('prefers the configured tier, then the name', () => {
    expect(environmentTier('eu-1', { 'eu-1': 'production' })).toBe(
      'production',
    );
    expect(environmentTier('prod-eu', {})).toBe('production');
    expect(environmentTier('production', {})).toBe('production');
    expect(environmentTier('staging', {})).toBe('staging');
    expect(environmentTier('pre-prod', {})).toBe('staging');
    expect(environmentTier('dev', {})).toBe('development');
    expect(environmentTier('pr-123-preview', {})).toBe('development');
    expect(environmentTier('product-catalog', {})).toBe('other');
  });
});
