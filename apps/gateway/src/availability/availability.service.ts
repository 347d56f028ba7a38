import { ConflictException, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import pLimit from 'p-limit';
import type { Counter } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { type CreateBookingDto, type SeatDto } from '@app/contracts';
import { SeatStateReader } from '@app/database';
import { type CacheName, type CacheResult, METRIC, type RefusalReason } from '@app/observability';
import { countSeats, encodeSeatMap, type Grid, RedisService, SEAT_CODE, seatCode, seatIndex, SeatProjection, type SeatsChangedNotice } from '@app/redis';
import type { EventRow } from '../events/events.repository.js';
import { SeatMapSnapshot } from './seat-map.snapshot.js';

export type CacheStatus = 'HIT' | 'MISS' | 'STALE';

/** A snapshot younger than this is served without asking Redis (pub/sub invalidates it sooner on a change). */
const LOCAL_TTL_MS = 250;
/** Counters are re-read from Redis this often, covering pub/sub messages lost while disconnected. */
const RECONCILE_EVERY_MS = 1000;
/** A sold-out verdict older than this is confirmed against the exact Redis counter before a buyer is refused. */
const VERDICT_MAX_AGE_MS = 3000;
const REBUILD_LOCK_MS = 5000;
const REBUILD_WAIT_MS = 3000;
/** Concurrent seat-map reads from PostgreSQL while Redis is down, and how many may queue before old copies are served. */
const DATABASE_READS = 4;
const DATABASE_QUEUE = 50;
const MAX_SNAPSHOTS = 500;
const MAX_COUNTERS = 20_000;

interface Availability {
  available: number;
  version: number;
  confirmedAt: number;
}

/**
 * What the gateway knows about seats, in process memory: per-event available-seat counters (the sold-out filter)
 * fed by Redis pub/sub and reconciled every second, and seat-map snapshots served to readers. Refusals cost no
 * I/O; seat-map reads cost one Redis read per event per {@link LOCAL_TTL_MS} at most, and a PostgreSQL query
 * only on a cold cache — once across all gateways (Redis lock) and once per process (coalescing).
 */
@Injectable()
export class AvailabilityService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AvailabilityService.name);
  private readonly counters = new Map<number, Availability>();
  private readonly snapshots = new Map<number, SeatMapSnapshot>();
  private readonly loading = new Map<number, Promise<{ snapshot: SeatMapSnapshot; status: CacheStatus }>>();
  private readonly databaseReads = pLimit(DATABASE_READS);
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisService,
    private readonly projection: SeatProjection,
    private readonly reader: SeatStateReader,
    @InjectMetric(METRIC.cacheRequests) private readonly cacheRequests: Counter<'cache' | 'result'>,
    @InjectMetric(METRIC.singleFlightWaits) private readonly singleFlightWaits: Counter,
    @InjectMetric(METRIC.seatMapRebuilds) private readonly rebuilds: Counter,
    @InjectMetric(METRIC.filterChecks) private readonly filterChecks: Counter,
    @InjectMetric(METRIC.bookingsRefused) private readonly refusals: Counter<'reason'>,
    @InjectMetric(METRIC.filterFalsePositives) private readonly falsePositives: Counter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = this.redis.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_, message: string) => this.onNotice(JSON.parse(message) as SeatsChangedNotice));
    void this.subscriber.subscribe(this.projection.channel).catch(() => undefined);
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_EVERY_MS);
    await this.warm().catch((error: Error) => this.logger.warn(`availability not warmed: ${error.message}`));
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.subscriber?.disconnect();
  }

  /**
   * Refuses, without any I/O on the hot path, what cannot succeed: a sold-out event, more seats than are left,
   * or seats the seat map shows taken. Unknown events pass (the inventory decides) and are learned in the background.
   */
  async assertBookable(event: EventRow, dto: CreateBookingDto): Promise<void> {
    this.filterChecks.inc();
    const counter = this.counters.get(event.id);
    if (!counter) {
      void this.refreshCounters([event.id]).catch(() => undefined);
      return;
    }
    const snapshot = this.snapshots.get(event.id);
    if (dto.seats && !snapshot) void this.seatMap(event).catch(() => undefined); // learn the seats for the next requests
    if (dto.seats && snapshot) {
      const taken = dto.seats.filter((seat) => seatCode(snapshot.bitmap, seatIndex(snapshot.grid, seat)) !== SEAT_CODE.AVAILABLE);
      if (taken.length > 0) throw this.refuse('seat_taken', `already taken: ${taken.map(label).join(', ')}`);
    }
    const wanted = dto.quantity ?? dto.seats?.length ?? 1;
    if (counter.available < wanted && (await this.confirmShortage(event.id, wanted))) {
      const left = this.counters.get(event.id)!.available;
      throw this.refuse(left === 0 ? 'sold_out' : 'not_enough_seats', left === 0 ? `event ${event.id} is sold out` : `only ${left} seat${left === 1 ? '' : 's'} left for event ${event.id}`);
    }
  }

  /** The seat map for readers, with where it came from. */
  async seatMap(event: EventRow): Promise<{ snapshot: SeatMapSnapshot; status: CacheStatus }> {
    const local = this.snapshots.get(event.id);
    if (local && Date.now() - local.fetchedAt < LOCAL_TTL_MS) {
      this.count('seatmap_local', 'hit');
      return { snapshot: local, status: 'HIT' };
    }
    const inFlight = this.loading.get(event.id);
    if (inFlight) {
      this.singleFlightWaits.inc();
      return inFlight;
    }
    const load = this.load(event, local).finally(() => this.loading.delete(event.id));
    this.loading.set(event.id, load);
    return load;
  }

  /** A new event: its projection starts all available, before the first buyer arrives. */
  async warmNew(event: EventRow): Promise<void> {
    const grid = { rows: event.rows, cols: event.cols };
    const bitmap = encodeSeatMap(grid, []);
    const version = await this.projection.replace(event.id, bitmap, event.rows * event.cols).catch(() => undefined);
    if (version !== undefined) this.remember(new SeatMapSnapshot(event.id, grid, bitmap, version), event.rows * event.cols);
  }

  private async load(event: EventRow, local: SeatMapSnapshot | undefined): Promise<{ snapshot: SeatMapSnapshot; status: CacheStatus }> {
    const grid = { rows: event.rows, cols: event.cols };
    let state;
    try {
      state = await this.projection.read(event.id);
    } catch {
      return this.fromDatabase(event, grid, local);
    }
    if (state) {
      this.count('seatmap_redis', 'hit');
      return { snapshot: this.remember(new SeatMapSnapshot(event.id, grid, state.bitmap, state.version), state.available), status: 'HIT' };
    }
    this.count('seatmap_redis', 'miss');
    return this.rebuild(event, grid, local);
  }

  /** Cache-aside on a miss: one process rebuilds from PostgreSQL (Redis lock); the others wait for its result. */
  private async rebuild(event: EventRow, grid: Grid, local: SeatMapSnapshot | undefined): Promise<{ snapshot: SeatMapSnapshot; status: CacheStatus }> {
    if (await this.projection.lockRebuild(event.id, REBUILD_LOCK_MS)) {
      try {
        const bitmap = await this.loadBitmap(event.id, grid);
        const available = countSeats(grid, bitmap).available;
        const version = await this.projection.replace(event.id, bitmap, available);
        this.rebuilds.inc();
        return { snapshot: this.remember(new SeatMapSnapshot(event.id, grid, bitmap, version), available), status: 'MISS' };
      } finally {
        await this.projection.unlockRebuild(event.id).catch(() => undefined);
      }
    }
    this.singleFlightWaits.inc();
    for (const deadline = Date.now() + REBUILD_WAIT_MS; Date.now() < deadline; await sleep(20)) {
      const state = await this.projection.read(event.id);
      if (state) return { snapshot: this.remember(new SeatMapSnapshot(event.id, grid, state.bitmap, state.version), state.available), status: 'MISS' };
    }
    return this.fromDatabase(event, grid, local);
  }

  /** Redis is down: PostgreSQL answers, a few queries at a time; beyond that queue, the last copy is served STALE. */
  private async fromDatabase(event: EventRow, grid: Grid, local: SeatMapSnapshot | undefined): Promise<{ snapshot: SeatMapSnapshot; status: CacheStatus }> {
    if (local && this.databaseReads.pendingCount >= DATABASE_QUEUE) {
      this.count('seatmap_local', 'stale');
      return { snapshot: local, status: 'STALE' };
    }
    const bitmap = await this.databaseReads(() => this.loadBitmap(event.id, grid));
    const snapshot = new SeatMapSnapshot(event.id, grid, bitmap, undefined);
    this.snapshots.set(event.id, snapshot);
    return { snapshot, status: 'MISS' };
  }

  private async loadBitmap(eventId: number, grid: Grid): Promise<Buffer> {
    const state = await this.reader.load(eventId);
    return encodeSeatMap(grid, state?.taken ?? []);
  }

  private remember(snapshot: SeatMapSnapshot, available: number): SeatMapSnapshot {
    if (!this.snapshots.has(snapshot.eventId) && this.snapshots.size >= MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    this.snapshots.set(snapshot.eventId, snapshot);
    if (snapshot.version !== undefined) this.onNotice({ eventId: snapshot.eventId, version: snapshot.version, available });
    return snapshot;
  }

  private onNotice(notice: SeatsChangedNotice): void {
    const known = this.counters.get(notice.eventId);
    if (known && known.version > notice.version) return;
    if (!known && this.counters.size >= MAX_COUNTERS) this.counters.delete(this.counters.keys().next().value!);
    this.counters.set(notice.eventId, { available: notice.available, version: notice.version, confirmedAt: Date.now() });
    const snapshot = this.snapshots.get(notice.eventId);
    if (snapshot && (snapshot.version ?? 0) < notice.version) {
      snapshot.expire();
      this.refreshSnapshot(snapshot);
    }
  }

  /** A changed event's snapshot is fetched again in the background, so that seat checks see the change. */
  private refreshSnapshot(snapshot: SeatMapSnapshot): void {
    if (this.loading.has(snapshot.eventId)) return;
    const load = this.projection
      .read(snapshot.eventId)
      .then((state) => {
        if (!state) throw new Error('no projection');
        return { snapshot: this.remember(new SeatMapSnapshot(snapshot.eventId, snapshot.grid, state.bitmap, state.version), state.available), status: 'HIT' as const };
      })
      .finally(() => this.loading.delete(snapshot.eventId));
    this.loading.set(snapshot.eventId, load);
    load.catch(() => this.snapshots.delete(snapshot.eventId));
  }

  /** Too few seats by the local counter: refuse at once if the verdict is recent, else ask Redis first. */
  private async confirmShortage(eventId: number, wanted: number): Promise<boolean> {
    if (Date.now() - this.counters.get(eventId)!.confirmedAt < VERDICT_MAX_AGE_MS) return true;
    await this.refreshCounters([eventId]).catch(() => undefined);
    const exact = this.counters.get(eventId)!;
    if (exact.available >= wanted) this.falsePositives.inc();
    return exact.available < wanted;
  }

  private async refreshCounters(eventIds: number[]): Promise<void> {
    for (let i = 0; i < eventIds.length; i += 500) {
      for (const notice of await this.projection.readCounters(eventIds.slice(i, i + 500))) if (notice) this.onNotice(notice);
    }
  }

  private async reconcile(): Promise<void> {
    await this.refreshCounters([...this.counters.keys()]).catch(() => undefined);
  }

  /** At start-up: counters of the events on sale now, so that the first requests are already filtered. */
  private async warm(): Promise<void> {
    await this.refreshCounters(await this.reader.activeEventIds(24 * 3600, 1000));
  }

  private refuse(reason: RefusalReason, message: string): ConflictException {
    this.refusals.inc({ reason });
    return new ConflictException(message);
  }

  private count(cache: CacheName, result: CacheResult): void {
    this.cacheRequests.inc({ cache, result });
  }
}

const label = (seat: SeatDto) => `row ${seat.row} col ${seat.col}`;
