/** Every Redis key and channel name SeatGrid uses, in one place (README lists them with their TTLs). */
export function redisKeys(prefix: string) {
  return {
    booking: (bookingId: string) => `${prefix}:booking:${bookingId}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/** Booking status views live long enough for any client to poll to the end, then PostgreSQL answers. */
export const BOOKING_VIEW_TTL_SECONDS = 3600;
