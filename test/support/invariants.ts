import type { TestEnvironment } from './test-system.js';

/**
 * The promises SeatGrid makes about an event, checked from PostgreSQL and the payment ledger. Returns the list of
 * broken ones (empty when all hold) so that a failing spec says exactly what went wrong.
 */
export async function brokenInvariants(env: TestEnvironment, eventId: number, acceptedIds: string[]): Promise<string[]> {
  const broken: string[] = [];
  const bookings = await env.sql<{ id: string; status: string; seats: { row: number; col: number }[]; refund_pending: boolean }>(
    'SELECT id, status, seats, refund_pending FROM bookings WHERE event_id = $1',
    [eventId],
  );
  const byId = new Map(bookings.map((booking) => [booking.id, booking]));
  const missing = acceptedIds.filter((id) => !byId.has(id));
  if (missing.length) broken.push(`${missing.length} accepted bookings were never recorded`);
  const open = bookings.filter((booking) => booking.status === 'PENDING' || booking.status === 'HELD');
  if (open.length) broken.push(`${open.length} bookings are not terminal`);

  const seats = await env.sql<{ seat_row: number; seat_col: number; status: string; booking_id: string | null }>(
    'SELECT seat_row, seat_col, status, booking_id FROM seats WHERE event_id = $1',
    [eventId],
  );
  const held = seats.filter((seat) => seat.status === 'HELD');
  if (held.length) broken.push(`${held.length} seats are still HELD`);
  for (const seat of seats.filter((s) => s.status === 'BOOKED')) {
    if (byId.get(seat.booking_id!)?.status !== 'CONFIRMED') broken.push(`seat ${seat.seat_row}:${seat.seat_col} is BOOKED for a booking that is not CONFIRMED`);
  }
  const sold = bookings.filter((b) => b.status === 'CONFIRMED').flatMap((b) => b.seats.map((seat) => `${seat.row}:${seat.col}`));
  if (new Set(sold).size !== sold.length) broken.push('a seat belongs to two confirmed bookings');
  if (sold.length !== seats.filter((s) => s.status === 'BOOKED').length) broken.push(`confirmed bookings own ${sold.length} seats but ${seats.filter((s) => s.status === 'BOOKED').length} are BOOKED`);

  const payments = await env.sql<{ idempotency_key: string; status: string }>(
    'SELECT idempotency_key, status FROM payments WHERE idempotency_key = ANY($1::text[])',
    [bookings.map((b) => b.id)],
  );
  for (const payment of payments) {
    const booking = byId.get(payment.idempotency_key)!;
    if (booking.status === 'CONFIRMED' && payment.status !== 'CHARGED') broken.push(`confirmed booking ${booking.id} is ${payment.status}`);
    if (booking.status !== 'CONFIRMED' && payment.status === 'CHARGED' && !booking.refund_pending) broken.push(`${booking.status} booking ${booking.id} was charged and not refunded`);
  }
  for (const booking of bookings.filter((b) => b.status === 'CONFIRMED')) {
    if (!payments.some((p) => p.idempotency_key === booking.id)) broken.push(`confirmed booking ${booking.id} was never charged`);
  }
  return broken;
}
