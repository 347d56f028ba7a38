/** Every Redis key and channel name SeatGrid uses, in one place (README lists them with their TTLs). */
export function redisKeys(prefix: string) {
  return {
    booking: (bookingId: string) => `${prefix}:booking:${bookingId}`,
    seats: (eventId: number) => `${prefix}:event:${eventId}:seats`,
    available: (eventId: number) => `${prefix}:event:${eventId}:avail`,
    version: (eventId: number) => `${prefix}:event:${eventId}:version`,
    rebuildLock: (eventId: number) => `${prefix}:event:${eventId}:rebuild-lock`,
    reconcileLock: `${prefix}:reconcile-lock`,
    /** Pub/sub: `{eventId, version, available}` after every change of an event's seats. */
    seatsChanged: `${prefix}:events:changed`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/** Booking status views live long enough for any client to poll to the end, then PostgreSQL answers. */
export const BOOKING_VIEW_TTL_SECONDS = 3600;
/** Seat projections of an event stay while it sells (every write renews them); a cold event is rebuilt on demand. */
export const SEAT_PROJECTION_TTL_SECONDS = 24 * 3600;
