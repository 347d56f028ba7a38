import type { SeatCode } from './seat-bitmap.js';

/**
 * Published by the projection scripts after every change of an event's seats: its new version and available count,
 * and either the seats that changed (`seats`, by index, all to `status`) or `reset` when the map was replaced whole.
 */
export interface SeatsChangedNotice {
  eventId: number;
  version: number;
  available: number;
  status?: SeatCode;
  seats?: number[];
  reset?: boolean;
}

const MAX_SEATS = 1_000_000;

/**
 * A notice is a hint from whoever can publish on the channel: parsed without trusting it, and anything malformed is
 * dropped (undefined). Plausibility against what the reader knows (version jumps) is the reader's call.
 */
export function parseSeatsChangedNotice(raw: string): SeatsChangedNotice | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { eventId, version, available, status, seats, reset } = value as Record<string, unknown>;
  if (!isCount(eventId) || eventId < 1 || !isCount(version) || !isCount(available) || available > MAX_SEATS) return undefined;
  if (reset !== undefined && reset !== true) return undefined;
  if (seats === undefined) return status === undefined ? { eventId, version, available, ...(reset ? { reset } : {}) } : undefined;
  // cjson encodes an empty Lua table as {}: treat it as no seats.
  const indexes = Array.isArray(seats) ? seats : [];
  if (!(status === 0 || status === 1 || status === 2) || indexes.length > MAX_SEATS || !indexes.every((i) => isCount(i) && i < MAX_SEATS)) return undefined;
  return { eventId, version, available, status, seats: indexes as number[] };
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
