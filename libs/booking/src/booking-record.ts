import type { BookingStatus, BookingView, Seat } from '@app/contracts';

/** A booking as both apps read it from PostgreSQL (or build it from a request before the inventory has it). */
export interface BookingRecord {
  bookingId: string;
  eventId: number;
  userId: string;
  status: BookingStatus;
  /** Seats held or sold; empty until the booking holds some. */
  seats: Seat[];
  /** Seats asked for, for requests that named them. */
  requestedSeats?: Seat[] | null;
  reason: string | null;
  amountCents?: number;
  createdAt: Date;
  updatedAt: Date;
  /** Seats it gave back that a waitlist booking took in the same commit: they never became free. */
  seatsPassedOn?: Seat[];
}

/**
 * What names one booking in SQL: its id, and the event that PostgreSQL partitions bookings (and their seats and outbox
 * events) by, so that a statement given both reads only that event's partition.
 */
export type BookingKey = Pick<BookingRecord, 'bookingId' | 'eventId'>;

/**
 * Parameters for `event_id = ANY($a::bigint[]) AND <booking id column> = ANY($b::uuid[])`: the events let PostgreSQL
 * read only their partitions, and the ids, unique on their own, pick the rows.
 */
export function bookingKeyArrays(bookings: BookingKey[]): [number[], string[]] {
  return [bookings.map((booking) => booking.eventId), bookings.map((booking) => booking.bookingId)];
}

export interface BookingRow {
  id: string;
  event_id: string;
  user_id: string;
  status: BookingStatus;
  seats: Seat[];
  requested_seats: Seat[] | null;
  reason: string | null;
  amount_cents: number;
  created_at: Date;
  updated_at: Date;
}

/** The columns {@link toBookingRecord} reads, for SELECT lists and RETURNING clauses (`b.` prefixed with `alias`). */
export function bookingColumns(alias?: string): string {
  const columns = ['id', 'event_id', 'user_id', 'status', 'seats', 'requested_seats', 'reason', 'amount_cents', 'created_at', 'updated_at'];
  return columns.map((column) => (alias ? `${alias}.${column}` : column)).join(', ');
}

export function toBookingRecord(row: BookingRow): BookingRecord {
  return {
    bookingId: row.id,
    eventId: Number(row.event_id),
    userId: row.user_id,
    status: row.status,
    seats: row.seats,
    requestedSeats: row.requested_seats,
    reason: row.reason,
    amountCents: row.amount_cents,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The one view of a booking: while PENDING it shows the seats asked for, afterwards the seats it holds or owns. */
export function toBookingView(record: BookingRecord): BookingView {
  return {
    bookingId: record.bookingId,
    eventId: record.eventId,
    userId: record.userId,
    status: record.status,
    seats: record.status === 'PENDING' ? (record.requestedSeats ?? []) : record.seats,
    ...(record.reason ? { reason: record.reason } : {}),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
