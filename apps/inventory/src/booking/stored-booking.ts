import type { BookingStatus, BookingView, SeatDto } from '@app/contracts';

/** A booking row as the inventory reads it back after changing it. */
export interface StoredBooking {
  bookingId: string;
  eventId: number;
  userId: string;
  status: BookingStatus;
  seats: SeatDto[];
  reason: string | null;
  amountCents: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The columns {@link toStoredBooking} needs, for RETURNING clauses. */
export const STORED_BOOKING_COLUMNS = 'id, event_id, user_id, status, seats, reason, amount_cents, created_at, updated_at';

export function toStoredBooking(row: {
  id: string; event_id: string; user_id: string; status: BookingStatus; seats: SeatDto[]; reason: string | null; amount_cents: number; created_at: Date; updated_at: Date;
}): StoredBooking {
  return {
    bookingId: row.id,
    eventId: Number(row.event_id),
    userId: row.user_id,
    status: row.status,
    seats: row.seats,
    reason: row.reason,
    amountCents: row.amount_cents,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toView(booking: StoredBooking): BookingView {
  return {
    bookingId: booking.bookingId,
    eventId: booking.eventId,
    userId: booking.userId,
    status: booking.status,
    seats: booking.seats,
    ...(booking.reason ? { reason: booking.reason } : {}),
    createdAt: booking.createdAt.toISOString(),
    updatedAt: booking.updatedAt.toISOString(),
  };
}
