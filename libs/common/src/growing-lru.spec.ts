import { growingLru } from './growing-lru.js';

describe(growingLru.name, () => {
  it('should keep at most the given number of entries, evicting the least recently used', () => {
    const cache = growingLru<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect([...cache.keys()].sort()).toEqual(['a', 'c']);
  });

  it('should not allocate storage for entries it does not hold', () => {
    const before = process.memoryUsage().heapUsed;
    const caches = Array.from({ length: 20 }, () => growingLru<string, number>(200_000));
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(1_000_000); // `max: 200_000` takes ~6 MB each
    expect(caches.every((cache) => cache.size === 0)).toBe(true);
  });

  it('should forget an entry after the time to live it was set with', async () => {
    const cache = growingLru<string, number>(10);
    cache.set('short', 1, { ttl: 10 });
    cache.set('kept', 2);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect([cache.get('short'), cache.get('kept')]).toEqual([undefined, 2]);
  });
});
