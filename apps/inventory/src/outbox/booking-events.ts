import { type BookingRecord, toBookingView } from '@app/booking';
import type { BookingEvent, BookingEventType, BookingStatus, BookingStatusChangedV1, SeatsReleasedV1 } from '@app/contracts';

const EVENT_OF_STATUS: Partial<Record<BookingStatus, BookingEventType>> = {
  HELD: 'booking.held',
  CONFIRMED: 'booking.confirmed',
  REJECTED: 'booking.rejected',
  FAILED: 'booking.failed',
  EXPIRED: 'booking.expired',
  CANCELLED: 'booking.cancelled',
};

/** The outbox events of a booking that just reached its status; `released` adds `seats.released` for its seats. */
export function eventsOf(booking: BookingRecord, { released = false } = {}): BookingEvent[] {
  const { createdAt: _, updatedAt: occurredAt, ...view } = toBookingView(booking);
  const changed: BookingStatusChangedV1 = { ...view, type: EVENT_OF_STATUS[booking.status]!, version: 1, occurredAt };
  if (!released || booking.seats.length === 0) return [changed];
  const seatsReleased: SeatsReleasedV1 = { type: 'seats.released', version: 1, bookingId: booking.bookingId, eventId: booking.eventId, seats: booking.seats, occurredAt };
  return [changed, seatsReleased];
}
