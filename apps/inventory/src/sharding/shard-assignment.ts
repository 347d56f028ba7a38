/**
 * The shards `member` decides when the replicas in `live` share `shards` shard queues: shard k goes to the
 * (k mod n)-th of the n live members in sorted order. Every replica derives the same split from the same list, each
 * shard has exactly one owner, and the counts differ by at most one.
 */
export function shardsOwnedBy(member: string, live: readonly string[], shards: number): number[] {
  const members = [...new Set(live)].sort();
  const position = members.indexOf(member);
  if (position < 0) return [];
  return Array.from({ length: shards }, (_, shard) => shard).filter((shard) => shard % members.length === position);
}
