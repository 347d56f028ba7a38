import { type BookingEvent, type BookingEventType, BookingStatusChangedV1, type BookingStatus, SeatsReleasedV1 } from '@app/contracts';
import { type StoredBooking, toView } from '../booking/stored-booking.js';

const EVENT_OF_STATUS: Partial<Record<BookingStatus, BookingEventType>> = {
  HELD: 'booking.held',
  CONFIRMED: 'booking.confirmed',
  REJECTED: 'booking.rejected',
  FAILED: 'booking.failed',
  EXPIRED: 'booking.expired',
  CANCELLED: 'booking.cancelled',
};

/** The outbox events of a booking that just reached its status; `released` adds `seats.released` for its seats. */
export function eventsOf(booking: StoredBooking, { released = false } = {}): BookingEvent[] {
  const { createdAt: _, updatedAt: occurredAt, ...view } = toView(booking);
  const changed: BookingStatusChangedV1 = { type: EVENT_OF_STATUS[booking.status]!, version: BookingStatusChangedV1.version, ...view, occurredAt };
  if (!released || booking.seats.length === 0) return [changed];
  const seatsReleased: SeatsReleasedV1 = { type: SeatsReleasedV1.type, version: SeatsReleasedV1.version, bookingId: booking.bookingId, eventId: booking.eventId, seats: booking.seats, occurredAt };
  return [changed, seatsReleased];
}
