import type { Counter } from 'prom-client';

type Labels<L extends string> = Partial<Record<L, string | number>>;

/**
 * Increments of a prom-client counter kept as plain numbers and added to it just before each scrape (prom-client
 * calls a metric's `collect` first): on a path taken ten thousand times a second, prom-client's own `inc` hashes its
 * labels on every call. One per counter, shared by all who count on it.
 */
export class DeferredCounter<L extends string> {
  private static readonly instances = new WeakMap<object, DeferredCounter<string>>();
  private readonly pending = new Map<string, { labels: Labels<L>; count: number }>();

  private constructor(private readonly counter: Counter<L>) {
    Object.assign(counter, { collect: () => this.report() });
  }

  static of<L extends string>(counter: Counter<L>): DeferredCounter<L> {
    let deferred = DeferredCounter.instances.get(counter) as DeferredCounter<L> | undefined;
    if (!deferred) DeferredCounter.instances.set(counter, (deferred = new DeferredCounter(counter)) as DeferredCounter<string>);
    return deferred;
  }

  /** `key` names the label set (any string unique to it), so that the labels object is built only once. */
  inc(key: string, labels: () => Labels<L>): void {
    const entry = this.pending.get(key);
    if (entry) entry.count++;
    else this.pending.set(key, { labels: labels(), count: 1 });
  }

  private report(): void {
    for (const entry of this.pending.values()) {
      if (entry.count === 0) continue;
      this.counter.inc(entry.labels, entry.count);
      entry.count = 0;
    }
  }
}
