/**
 * Groups items by key until the window closes — the end of the current tick, or `lingerMs` after the first item —
 * or until `max` of them have gathered, then hands each group over at once: work that arrives together is done
 * together (one ack, one transaction, one query).
 */
export class BatchWindow<T> {
  private readonly groups = new Map<string, T[]>();

  constructor(private readonly max: number, private readonly release: (key: string, items: T[]) => void, private readonly lingerMs = 0) {}

  add(key: string, item: T): void {
    let group = this.groups.get(key);
    if (!group) {
      const fresh: T[] = [];
      this.groups.set(key, (group = fresh));
      if (this.lingerMs > 0) setTimeout(() => this.flush(key, fresh), this.lingerMs);
      else setImmediate(() => this.flush(key, fresh));
    }
    group.push(item);
    if (group.length >= this.max) this.flush(key, group);
  }

  private flush(key: string, group: T[]): void {
    if (this.groups.get(key) !== group) return;
    this.groups.delete(key);
    this.release(key, group);
  }
}
