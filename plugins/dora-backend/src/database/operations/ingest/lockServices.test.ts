import { ServiceQueue } from './lockServices';

const tick = () => new Promise(resolve => setImmediate(resolve));

describe('ServiceQueue', () => {
  it('lets callers with a key in common in one at a time, in order', async () => {
    const queue = new ServiceQueue();
    const order: string[] = [];
    const first = await queue.acquire([2, 1]);
    const second = queue.acquire([1, 3]).then(release => {
      order.push('second');
      return release;
    });
    const third = queue.acquire([3]).then(release => {
      order.push('third');
      return release;
    });
    await tick();
    // Key 3 was free when the third asked, the second still waits on 1.
    expect(order).toEqual(['third']);
    (await third)();
    await tick();
    expect(order).toEqual(['third']);
    first();
    (await second)();
    expect(order).toEqual(['third', 'second']);
    // All released: a new caller gets every key at once.
    const again = await queue.acquire([1, 2, 3]);
    again();
  });

  it('lets callers without a key in common in together', async () => {
    const queue = new ServiceQueue();
    const a = await queue.acquire([1, 2]);
    // Would wait for ever if key 3 or no key at all queued behind 1 and 2.
    const b = await queue.acquire([3]);
    const none = await queue.acquire([]);
    let thirdIn = false;
    const third = queue.acquire([2]).then(release => {
      thirdIn = true;
      return release;
    });
    await tick();
    expect(thirdIn).toBe(false);
    a();
    (await third)();
    expect(thirdIn).toBe(true);
    b();
    none();
  });
});
