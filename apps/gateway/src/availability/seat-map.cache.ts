import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import pLimit from 'p-limit';
import type { Counter } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { StaleReads } from '@app/database/replica/index.js';
import { type CacheName, type CacheResult, METRIC } from '@app/observability';
import { countSeats, encodeSeatMap, type Grid, SeatProjection, type SeatsChangedNotice, SeatStateReader } from '@app/seat-map';
import type { EventRow } from '../catalog/event-row.js';
import { AvailabilityCounters } from './availability-counters.js';
import { SeatMapSnapshot } from './seat-map.snapshot.js';

export type CacheStatus = 'HIT' | 'MISS' | 'STALE';
export interface CachedSeatMap {
  snapshot: SeatMapSnapshot;
  status: CacheStatus;
}

/** A snapshot younger than this is served without asking Redis (a notice patches or expires it sooner). */
const LOCAL_TTL_MS = 250;
const REBUILD_LOCK_MS = 5000;
const REBUILD_WAIT_MS = 3000;
/** Concurrent seat-map reads from PostgreSQL while Redis is down, and how many may queue before old copies are served. */
const DATABASE_READS = 4;
const DATABASE_QUEUE = 50;
const MAX_SNAPSHOTS = 500;

/**
 * Seat maps in process memory, for readers and for the seat checks of the booking path. A reader costs one Redis
 * read per event per {@link LOCAL_TTL_MS} at most, and PostgreSQL only on a cold cache — once across all gateways
 * (Redis lock) and once per process (coalescing) — or, a few queries at a time, while Redis is down.
 */
@Injectable()
export class SeatMapCache {
  private readonly snapshots = new Map<number, SeatMapSnapshot>();
  private readonly loading = new Map<number, Promise<CachedSeatMap>>();
  private readonly databaseReads = pLimit(DATABASE_READS);

  constructor(
    private readonly projection: SeatProjection,
    private readonly reader: SeatStateReader,
    private readonly counters: AvailabilityCounters,
    private readonly staleReads: StaleReads,
    @InjectMetric(METRIC.cacheRequests) private readonly cacheRequests: Counter<'cache' | 'result'>,
    @InjectMetric(METRIC.singleFlightWaits) private readonly singleFlightWaits: Counter,
    @InjectMetric(METRIC.seatMapRebuilds) private readonly rebuilds: Counter,
  ) {}

  /** The seat map for readers, with where it came from. */
  async read(event: EventRow): Promise<CachedSeatMap> {
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
    return this.loadOnce(event.id, () => this.load(event, local));
  }

  /** What this process holds now, however old (the booking path's seat checks); learns the event when it holds nothing. */
  peek(event: EventRow): SeatMapSnapshot | undefined {
    const local = this.snapshots.get(event.id);
    if (!local && !this.loading.has(event.id)) void this.read(event).catch(() => undefined);
    return local;
  }

  /** A change from the inventory: the next version is patched in; anything else is fetched again in the background. */
  applyNotice(notice: SeatsChangedNotice): void {
    const snapshot = this.snapshots.get(notice.eventId);
    if (!snapshot || (snapshot.version ?? 0) >= notice.version || snapshot.patch(notice)) return;
    snapshot.expire();
    if (this.loading.has(notice.eventId)) return;
    void this.loadOnce(notice.eventId, () => this.fromRedis(snapshot.eventId, snapshot.grid)).catch(() => this.snapshots.delete(notice.eventId));
  }

  /** A new event: its projection starts all available, before the first buyer arrives. */
  async warmNew(event: EventRow): Promise<void> {
    const grid = { rows: event.rows, cols: event.cols };
    const bitmap = encodeSeatMap(grid, []);
    const version = await this.projection.replace(event.id, bitmap, event.rows * event.cols).catch(() => undefined);
    if (version !== undefined) this.remember(new SeatMapSnapshot(event.id, grid, bitmap, version), event.rows * event.cols);
  }

  private loadOnce(eventId: number, load: () => Promise<CachedSeatMap>): Promise<CachedSeatMap> {
    const loading = load().finally(() => this.loading.delete(eventId));
    this.loading.set(eventId, loading);
    return loading;
  }

  private async load(event: EventRow, local: SeatMapSnapshot | undefined): Promise<CachedSeatMap> {
    const grid = { rows: event.rows, cols: event.cols };
    try {
      return await this.fromRedis(event.id, grid);
    } catch (error) {
      if (error instanceof ProjectionMissing) return this.rebuild(event, grid, local);
      return this.fromDatabase(event, grid, local);
    }
  }

  private async fromRedis(eventId: number, grid: Grid): Promise<CachedSeatMap> {
    const state = await this.projection.read(eventId);
    if (!state) {
      this.count('seatmap_redis', 'miss');
      throw new ProjectionMissing();
    }
    this.count('seatmap_redis', 'hit');
    return { snapshot: this.remember(new SeatMapSnapshot(eventId, grid, state.bitmap, state.version), state.available), status: 'HIT' };
  }

  /** Cache-aside on a miss: one process rebuilds from PostgreSQL (Redis lock); the others wait for its result. */
  private async rebuild(event: EventRow, grid: Grid, local: SeatMapSnapshot | undefined): Promise<CachedSeatMap> {
    if (await this.projection.lockRebuild(event.id, REBUILD_LOCK_MS)) {
      try {
        const bitmap = await this.loadBitmap(event.id, grid);
        const { available } = countSeats(grid, bitmap);
        const version = await this.projection.replace(event.id, bitmap, available);
        this.rebuilds.inc();
        return { snapshot: this.remember(new SeatMapSnapshot(event.id, grid, bitmap, version), available), status: 'MISS' };
      } finally {
        await this.projection.unlockRebuild(event.id).catch(() => undefined);
      }
    }
    this.singleFlightWaits.inc();
    for (const deadline = Date.now() + REBUILD_WAIT_MS; Date.now() < deadline; await sleep(20)) {
      const rebuilt = await this.fromRedis(event.id, grid).catch(() => undefined);
      if (rebuilt) return { ...rebuilt, status: 'MISS' };
    }
    return this.fromDatabase(event, grid, local);
  }

  /** Redis is down: PostgreSQL answers, a few queries at a time; beyond that queue, the last copy is served STALE. */
  private async fromDatabase(event: EventRow, grid: Grid, local: SeatMapSnapshot | undefined): Promise<CachedSeatMap> {
    if (local && this.databaseReads.pendingCount >= DATABASE_QUEUE) {
      this.count('seatmap_local', 'stale');
      return { snapshot: local, status: 'STALE' };
    }
    const bitmap = await this.databaseReads(() => this.loadBitmap(event.id, grid));
    const snapshot = new SeatMapSnapshot(event.id, grid, bitmap, undefined);
    this.snapshots.set(event.id, snapshot);
    return { snapshot, status: 'MISS' };
  }

  /** From the read replica when it is close enough: a change it has not replayed yet comes as a notice or is repaired by the reconciler. */
  private async loadBitmap(eventId: number, grid: Grid): Promise<Buffer> {
    const state = await this.reader.load(eventId, this.staleReads);
    return encodeSeatMap(grid, state?.taken ?? []);
  }

  /** Keeps a snapshot read from Redis, whose counter is the truth too. */
  private remember(snapshot: SeatMapSnapshot, available: number): SeatMapSnapshot {
    this.counters.remember(snapshot.eventId, available, snapshot.version!);
    if (!this.snapshots.has(snapshot.eventId) && this.snapshots.size >= MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    this.snapshots.set(snapshot.eventId, snapshot);
    return snapshot;
  }

  private count(cache: CacheName, result: CacheResult): void {
    this.cacheRequests.inc({ cache, result });
  }
}

class ProjectionMissing extends Error {}
