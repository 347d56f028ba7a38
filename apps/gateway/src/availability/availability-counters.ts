import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicTask } from '@app/common';
import { METRIC } from '@app/observability';
import { SeatProjection, SeatStateReader, type SeatsChangedNotice } from '@app/seat-map';

/** Counters are re-read from Redis this often: lost notices are repaired, and every verdict is confirmed. */
const RECONCILE_EVERY_MS = 1000;
/** A shortage is refused at once only while its counter was read from Redis this recently; older, the inventory decides. */
const VERDICT_MAX_AGE_MS = 3000;
/** A notice may move an event's version forward by at most this much; a bigger jump waits for Redis to confirm it. */
const MAX_VERSION_JUMP = 10_000;
const MAX_EVENTS = 20_000;
const READ_CHUNK = 500;

interface Availability {
  available: number;
  version: number;
  /** When this count was last read from Redis (notices are hints and do not confirm). */
  confirmedAt: number;
  /** Moved by a notice since that read. */
  noticed: boolean;
}

/**
 * The gateway's sold-out filter: available seats per event in process memory, moved by the inventory's notices
 * (hints, validated and bounded) and confirmed from Redis every second. A refusal for too few seats costs no I/O.
 */
@Injectable()
export class AvailabilityCounters implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly counters = new Map<number, Availability>();
  private readonly learning = new Set<number>();
  private readonly reconciler = new PeriodicTask(AvailabilityCounters.name, RECONCILE_EVERY_MS, () => this.confirm([...this.counters.keys()]));

  constructor(
    private readonly projection: SeatProjection,
    private readonly reader: SeatStateReader,
    @InjectMetric(METRIC.noticesDropped) private readonly dropped: Counter<'channel'>,
    @InjectMetric(METRIC.filterFalsePositives) private readonly falsePositives: Counter,
  ) {}

  /** At start-up: counters of the events on sale now, so that the first requests are already filtered. */
  async onApplicationBootstrap(): Promise<void> {
    this.reconciler.start();
    await this.confirm(await this.reader.activeEventIds(24 * 3600, 1000)).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reconciler.stop();
  }

  /** Seats left, when known and confirmed recently enough to refuse on; undefined otherwise (the inventory decides). */
  trustedAvailable(eventId: number): number | undefined {
    const counter = this.counters.get(eventId);
    if (!counter) {
      this.learn(eventId);
      return undefined;
    }
    return Date.now() - counter.confirmedAt < VERDICT_MAX_AGE_MS ? counter.available : undefined;
  }

  /** A notice from the inventory: applied when plausible, otherwise it only prompts a read of the truth. */
  applyNotice(notice: SeatsChangedNotice): void {
    const known = this.counters.get(notice.eventId);
    if (!known || notice.version > known.version + MAX_VERSION_JUMP) {
      if (known) this.dropped.inc({ channel: 'seats' });
      this.learn(notice.eventId);
      return;
    }
    if (notice.version <= known.version) return;
    Object.assign(known, { available: notice.available, version: notice.version, noticed: true });
  }

  /** What Redis says is the truth, whatever its version: a forged notice with a huge version cannot outlive this. */
  remember(eventId: number, available: number, version: number): void {
    const known = this.counters.get(eventId);
    if (known?.noticed && known.available === 0 && available > 0 && known.version >= version) this.falsePositives.inc();
    if (!known && this.counters.size >= MAX_EVENTS) this.counters.delete(this.counters.keys().next().value!);
    this.counters.set(eventId, { available, version, confirmedAt: Date.now(), noticed: false });
  }

  /** Reads an event's counter in the background, once however many requests ask. */
  private learn(eventId: number): void {
    if (this.learning.has(eventId)) return;
    this.learning.add(eventId);
    void this.confirm([eventId])
      .catch(() => undefined)
      .finally(() => this.learning.delete(eventId));
  }

  private async confirm(eventIds: number[]): Promise<void> {
    for (let i = 0; i < eventIds.length; i += READ_CHUNK) {
      const chunk = eventIds.slice(i, i + READ_CHUNK);
      for (const counter of await this.projection.readCounters(chunk)) if (counter) this.remember(counter.eventId, counter.available, counter.version);
    }
  }
}
