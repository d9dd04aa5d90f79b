import { TtlMap } from './TtlMap';

describe('TtlMap', () => {
  it('answers until the time to live has passed', () => {
    let now = 1_000;
    const map = new TtlMap<string>(10_000, () => now);
    expect(map.get('a')).toBeUndefined();
    map.set('a', 'x');
    now += 9_999;
    expect(map.get('a')).toBe('x');
    now += 1;
    expect(map.get('a')).toBeUndefined();
    map.set('a', 'y');
    expect(map.get('a')).toBe('y');
  });

  it('drops expired keys as new ones arrive', () => {
    let now = 0;
    const map = new TtlMap<number>(10, () => now);
    for (let i = 0; i < 1_000; i++) map.set(`k${i}`, i);
    now = 20;
    map.set('fresh', 1);
    expect((map as any).entries.size).toBe(1);
    expect(map.get('fresh')).toBe(1);
  });
});
