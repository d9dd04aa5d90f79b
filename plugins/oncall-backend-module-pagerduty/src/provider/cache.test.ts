import { InMemoryOnCallAnswerCache } from './cache';

describe('InMemoryOnCallAnswerCache', () => {
  const answer = (value: string) => ({
    value,
    fetchedAt: '2026-11-25T08:00:00.000Z',
    freshUntil: '2026-11-25T08:01:00.000Z',
  });

  it('keeps answers, and drops the least recently used beyond maxEntries', async () => {
    const cache = new InMemoryOnCallAnswerCache({ maxEntries: 2 });
    await cache.set('a', answer('A'));
    await cache.set('b', answer('B'));
    expect(await cache.get('a')).toEqual(answer('A'));
    await cache.set('c', answer('C'));
    expect(await cache.get('b')).toBeUndefined();
    expect((await cache.get('a'))?.value).toBe('A');
    expect((await cache.get('c'))?.value).toBe('C');
  });
});
