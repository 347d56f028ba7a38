import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Seat, SeatStatus } from '@app/contracts';
import { RedisService } from '@app/redis';
import { type Grid, SEAT_CODE, seatIndex } from './seat-bitmap.js';
import type { SeatsChangedNotice } from './seat-notice.js';

/** Seat projections of an event stay while it sells (every write renews them); a cold event is rebuilt on demand. */
export const SEAT_PROJECTION_TTL_SECONDS = 24 * 3600;

export interface SeatChange {
  eventId: number;
  grid: Grid;
  seats: Seat[];
  status: SeatStatus;
}

export interface SeatProjectionState {
  bitmap: Buffer;
  available: number;
  version: number;
}

// Sets seats to one status, only in a projection that exists (a missing one is rebuilt whole from PostgreSQL).
// The counter moves by what really changed (BITFIELD SET answers the old values), so applying a change twice, or
// after a rebuild that already contains it, leaves it exact. Arguments go in chunks, far below Lua's stack limit.
// The version only grows (INCR), whichever writer comes first.
const APPLY_CHANGES = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local code = tonumber(ARGV[3])
local delta = 0
local seats = {}
for first = 4, #ARGV, 500 do
  local args = {}
  for i = first, math.min(first + 499, #ARGV) do
    args[#args + 1] = 'SET'; args[#args + 1] = 'u2'; args[#args + 1] = '#' .. ARGV[i]; args[#args + 1] = code
    seats[#seats + 1] = tonumber(ARGV[i])
  end
  for _, old in ipairs(redis.call('BITFIELD', KEYS[1], unpack(args))) do
    if old == 0 and code ~= 0 then delta = delta - 1 elseif old ~= 0 and code == 0 then delta = delta + 1 end
  end
end
local available = redis.call('INCRBY', KEYS[2], delta)
local version = redis.call('INCR', KEYS[3])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
redis.call('PUBLISH', KEYS[4], cjson.encode({ eventId = tonumber(ARGV[2]), version = version, available = available, status = code, seats = seats }))
return version`;

// Replaces the whole projection. A fresh version starts at the clock in ms, so an ETag never repeats.
const REPLACE = `
local version
if redis.call('EXISTS', KEYS[3]) == 1 then version = redis.call('INCR', KEYS[3]) else version = tonumber(ARGV[4]); redis.call('SET', KEYS[3], version) end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
redis.call('PUBLISH', KEYS[4], cjson.encode({ eventId = tonumber(ARGV[5]), version = version, available = tonumber(ARGV[2]), reset = true }))
return version`;

type ProjectionClient = Redis & {
  seatsApply(...args: (string | number)[]): Promise<number>;
  seatsReplace(...args: (string | number | Buffer)[]): Promise<number>;
};

/**
 * The Redis projection of every event's seats: a 2-bit-a-seat bitmap, an exact available-seat counter and a version,
 * changed together by Lua scripts (atomic, sent by hash) that also announce the change on pub/sub.
 */
@Injectable()
export class SeatProjection {
  private readonly client: ProjectionClient;

  constructor(private readonly redis: RedisService) {
    this.client = redis.client as ProjectionClient;
    this.client.defineCommand('seatsApply', { numberOfKeys: 4, lua: APPLY_CHANGES });
    this.client.defineCommand('seatsReplace', { numberOfKeys: 4, lua: REPLACE });
  }

  /** Pub/sub channel of {@link SeatsChangedNotice}s. */
  get channel(): string {
    return this.redis.key('events', 'changed');
  }

  /** Write-through from the inventory after a commit; answers the new version, or undefined when there is no projection. */
  async apply(change: SeatChange): Promise<number | undefined> {
    if (change.seats.length === 0) return undefined;
    const indexes = change.seats.map((seat) => seatIndex(change.grid, seat));
    const version = await this.client.seatsApply(...this.keysOf(change.eventId), SEAT_PROJECTION_TTL_SECONDS, change.eventId, SEAT_CODE[change.status], ...indexes);
    return version === -1 ? undefined : version;
  }

  async replace(eventId: number, bitmap: Buffer, available: number): Promise<number> {
    return this.client.seatsReplace(...this.keysOf(eventId), bitmap, available, SEAT_PROJECTION_TTL_SECONDS, Date.now(), eventId);
  }

  async read(eventId: number): Promise<SeatProjectionState | undefined> {
    const [[, bitmap], [, available], [, version]] = (await this.redis.client
      .multi()
      .getBuffer(this.key(eventId, 'seats'))
      .get(this.key(eventId, 'avail'))
      .get(this.key(eventId, 'version'))
      .exec()) as [unknown, unknown][];
    if (!bitmap || available === null || version === null) return undefined;
    return { bitmap: bitmap as Buffer, available: Number(available), version: Number(version) };
  }

  /** Available counts and versions of many events in one round trip (undefined where there is no projection). */
  async readCounters(eventIds: number[]): Promise<(SeatsChangedNotice | undefined)[]> {
    if (eventIds.length === 0) return [];
    const values = await this.redis.client.mget(eventIds.flatMap((id) => [this.key(id, 'avail'), this.key(id, 'version')]));
    return eventIds.map((eventId, i) => {
      const [available, version] = [values[2 * i], values[2 * i + 1]];
      return available === null || version === null ? undefined : { eventId, available: Number(available), version: Number(version) };
    });
  }

  /** One rebuilder per event across all processes: true when this caller got the lock (it expires by itself). */
  async lockRebuild(eventId: number, ttlMs: number): Promise<boolean> {
    return (await this.redis.client.set(this.key(eventId, 'rebuild-lock'), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unlockRebuild(eventId: number): Promise<void> {
    await this.redis.client.del(this.key(eventId, 'rebuild-lock'));
  }

  /** One reconciler at a time across all replicas, for `ttlMs` (it expires by itself). */
  async lockReconcile(ttlMs: number): Promise<boolean> {
    return (await this.redis.client.set(this.redis.key('reconcile-lock'), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  private key(eventId: number, part: 'seats' | 'avail' | 'version' | 'rebuild-lock'): string {
    return this.redis.key('event', eventId, part);
  }

  private keysOf(eventId: number): string[] {
    return [this.key(eventId, 'seats'), this.key(eventId, 'avail'), this.key(eventId, 'version'), this.channel];
  }
}
