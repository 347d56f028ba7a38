import { shardsOwnedBy } from './shard-assignment.js';

describe(shardsOwnedBy.name, () => {
  const ownersOf = (live: string[], shards: number) => live.map((member) => shardsOwnedBy(member, live, shards));

  it('should give every shard to exactly one live member', () => {
    for (const live of [['a'], ['a', 'b'], ['c', 'a', 'b'], ['a', 'b', 'c', 'd', 'e']]) {
      const owned = ownersOf(live, 16).flat().sort((x, y) => x - y);
      expect(owned).toEqual(Array.from({ length: 16 }, (_, shard) => shard));
    }
  });

  it('should spread the shards within one of each other', () => {
    for (let replicas = 1; replicas <= 20; replicas++) {
      const counts = ownersOf(Array.from({ length: replicas }, (_, i) => `replica-${i}`), 16).map((shards) => shards.length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it('should derive the same split whatever order each replica lists the members in', () => {
    expect(shardsOwnedBy('b', ['a', 'b', 'c'], 16)).toEqual(shardsOwnedBy('b', ['c', 'b', 'a', 'a'], 16));
  });

  it('should give nothing to a member that is not live', () => {
    expect(shardsOwnedBy('gone', ['a', 'b'], 16)).toEqual([]);
  });
});
