import { LRUCache } from 'lru-cache';

/**
 * An LRU cache of at most `entries` entries whose storage grows as it fills. lru-cache allocates every slot of `max`
 * up front (about 32 bytes a slot: 6 MB for 200,000, resident from start-up), so the bound is given as a size of one
 * an entry instead, which it stores in arrays that grow.
 */
export function growingLru<K extends {}, V extends {}>(entries: number): LRUCache<K, V> {
  return new LRUCache<K, V>({ maxSize: entries, sizeCalculation: () => 1 });
}
