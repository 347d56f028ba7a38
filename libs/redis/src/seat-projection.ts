import { Injectable } from '@nestjs/common';
import type { SeatDto } from '@app/contracts';
import { type Grid, SEAT_CODE, seatIndex } from './seat-bitmap.js';
import { SEAT_PROJECTION_TTL_SECONDS } from './redis.keys.js';
import { RedisService } from './redis.service.js';

export interface SeatChange {
  eventId: number;
  grid: Grid;
  seats: SeatDto[];
  status: keyof typeof SEAT_CODE;
}

export interface SeatProjectionState {
  bitmap: Buffer;
  available: number;
  version: number;
}

export interface SeatsChangedNotice {
  eventId: number;
  version: number;
  available: number;
}

// Sets seats to one status, only in a projection that exists (a missing one is rebuilt whole from PostgreSQL).
// The counter moves by what really changed (BITFIELD SET answers the old values), so applying a change twice, or
// after a rebuild that already contains it, leaves it exact. Arguments go in chunks, far below Lua's stack limit.
const APPLY_CHANGES = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local code = tonumber(ARGV[3])
local delta = 0
for first = 4, #ARGV, 500 do
  local args = {}
  for i = first, math.min(first + 499, #ARGV) do
    args[#args + 1] = 'SET'; args[#args + 1] = 'u2'; args[#args + 1] = '#' .. ARGV[i]; args[#args + 1] = code
  end
  for _, old in ipairs(redis.call('BITFIELD', KEYS[1], unpack(args))) do
    if old == 0 and code ~= 0 then delta = delta - 1 elseif old ~= 0 and code == 0 then delta = delta + 1 end
  end
end
local available = redis.call('INCRBY', KEYS[2], delta)
local version = redis.call('INCR', KEYS[3])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
redis.call('PUBLISH', KEYS[4], cjson.encode({ eventId = tonumber(ARGV[2]), version = version, available = available }))
return version`;

// Replaces the whole projection. The version only grows (a fresh one starts at the clock in ms), so an ETag never repeats.
const REPLACE = `
local version
if redis.call('EXISTS', KEYS[3]) == 1 then version = redis.call('INCR', KEYS[3]) else version = tonumber(ARGV[4]); redis.call('SET', KEYS[3], version) end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
redis.call('PUBLISH', KEYS[4], cjson.encode({ eventId = tonumber(ARGV[5]), version = version, available = tonumber(ARGV[2]) }))
return version`;

/**
 * The Redis projection of every event's seats: a 2-bit-a-seat bitmap, an exact available-seat counter and a version,
 * changed together by Lua scripts (atomic) that also announce the change on pub/sub.
 */
@Injectable()
export class SeatProjection {
  constructor(private readonly redis: RedisService) {}

  get channel(): string {
    return this.redis.keys.seatsChanged;
  }

  /** Write-through from the inventory after a commit; answers the new version, or undefined when there is no projection. */
  async apply(change: SeatChange): Promise<number | undefined> {
    if (change.seats.length === 0) return undefined;
    const indexes = change.seats.map((seat) => seatIndex(change.grid, seat));
    const version = (await this.redis.client.eval(
      APPLY_CHANGES, 4, ...this.keysOf(change.eventId), SEAT_PROJECTION_TTL_SECONDS, change.eventId, SEAT_CODE[change.status], ...indexes,
    )) as number;
    return version === -1 ? undefined : version;
  }

  async replace(eventId: number, bitmap: Buffer, available: number): Promise<number> {
    return (await this.redis.client.eval(REPLACE, 4, ...this.keysOf(eventId), bitmap, available, SEAT_PROJECTION_TTL_SECONDS, Date.now(), eventId)) as number;
  }

  async read(eventId: number): Promise<SeatProjectionState | undefined> {
    const keys = this.redis.keys;
    const [[, bitmap], [, available], [, version]] = (await this.redis.client
      .multi()
      .getBuffer(keys.seats(eventId))
      .get(keys.available(eventId))
      .get(keys.version(eventId))
      .exec()) as [unknown, unknown][];
    if (!bitmap || available === null || version === null) return undefined;
    return { bitmap: bitmap as Buffer, available: Number(available), version: Number(version) };
  }

  /** Available counts and versions of many events in one round trip (undefined where there is no projection). */
  async readCounters(eventIds: number[]): Promise<(SeatsChangedNotice | undefined)[]> {
    if (eventIds.length === 0) return [];
    const keys = this.redis.keys;
    const values = await this.redis.client.mget(eventIds.flatMap((id) => [keys.available(id), keys.version(id)]));
    return eventIds.map((eventId, i) => {
      const [available, version] = [values[2 * i], values[2 * i + 1]];
      return available === null || version === null ? undefined : { eventId, available: Number(available), version: Number(version) };
    });
  }

  /** One rebuilder per event across all processes: true when this caller got the lock (it expires by itself). */
  async lockRebuild(eventId: number, ttlMs: number): Promise<boolean> {
    return (await this.redis.client.set(this.redis.keys.rebuildLock(eventId), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unlockRebuild(eventId: number): Promise<void> {
    await this.redis.client.del(this.redis.keys.rebuildLock(eventId));
  }

  private keysOf(eventId: number): string[] {
    const keys = this.redis.keys;
    return [keys.seats(eventId), keys.available(eventId), keys.version(eventId), keys.seatsChanged];
  }
}
