import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type BookingKey, bookingKeyArrays, type BookingRecord, bookingColumns, type BookingRow, SEAT_PRICE_CENTS, toBookingRecord } from '@app/booking';
import type { BookingRequestedV1, BookingStatus, Seat } from '@app/contracts';
import type { Grid } from '@app/seat-map';
import { outboxRowsFor } from '../outbox/outbox-rows.js';
import { buyerKey } from './buyer-tickets.js';

type BuyerOfEvent = Pick<BookingRequestedV1, 'eventId' | 'userId'>;

export interface SeatClaim extends Seat {
  eventId: number;
  bookingId: string;
}

export interface BookingDecision extends BookingKey {
  status: BookingStatus;
  seats: Seat[];
  reason: string | null;
}

export interface EventTerms {
  grid: Grid;
  maxTicketsPerBuyer: number;
}

export interface HoldTerms {
  holdTtlSeconds: number;
  /** How long this process owns the payment step before another one may take it over (crash recovery). */
  paymentLeaseSeconds: number;
}

/** Every SQL statement of the booking decision, one method each, all run inside the caller's transaction. */
@Injectable()
export class BookingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', work);
  }

  /**
   * Records the requests as PENDING and returns the ids that were new. Safe under concurrency: a redelivered copy
   * racing its original waits on the primary key and then inserts nothing, so it is never decided twice.
   */
  async insertPending(manager: EntityManager, requests: BookingRequestedV1[], traceParents: Map<string, string | undefined>): Promise<Set<string>> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO bookings (id, event_id, user_id, status, requested_seats, quantity, created_at, updated_at, trace_parent)
       SELECT r.id, r.event_id, r.user_id, 'PENDING', r.requested_seats, r.quantity, r.created_at, now(), r.trace_parent
       FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::jsonb[], $5::int[], $6::timestamptz[], $7::text[])
         AS r(id, event_id, user_id, requested_seats, quantity, created_at, trace_parent)
       ON CONFLICT (event_id, id) DO NOTHING
       RETURNING id`,
      [
        requests.map((r) => r.bookingId),
        requests.map((r) => r.eventId),
        requests.map((r) => r.userId),
        requests.map((r) => (r.seats ? JSON.stringify(r.seats) : null)),
        requests.map((r) => r.quantity ?? null),
        requests.map((r) => r.requestedAt),
        requests.map((r) => traceParents.get(r.bookingId) ?? null),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Grid and per-buyer cap of events (they do not change once created). */
  async eventTerms(eventIds: number[]): Promise<Map<number, EventTerms>> {
    const rows: { id: string; rows: number; cols: number; max_tickets_per_buyer: number }[] = await this.dataSource.query(
      'SELECT id, rows, cols, max_tickets_per_buyer FROM events WHERE id = ANY($1::bigint[])',
      [eventIds],
    );
    return new Map(rows.map((row) => [Number(row.id), { grid: { rows: row.rows, cols: row.cols }, maxTicketsPerBuyer: row.max_tickets_per_buyer }]));
  }

  /**
   * Serialises the decisions about these buyers of these events across transactions and replicas, so that the count
   * that follows sees every ticket of theirs committed before. Safe under concurrency: transaction-scoped advisory
   * locks, taken in one order (a rare deadlock between orders is retried as a transient failure).
   */
  async lockBuyers(manager: EntityManager, requests: BuyerOfEvent[]): Promise<void> {
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(b.event_id || ':' || b.user_id, 0))
       FROM (SELECT DISTINCT event_id, user_id FROM unnest($1::bigint[], $2::text[]) AS u(event_id, user_id) ORDER BY 1, 2) b`,
      [requests.map((r) => r.eventId), requests.map((r) => r.userId)],
    );
  }

  /**
   * The buyers of one event whose lock {@link lockBuyers} would take that are free now, locked for this transaction;
   * the others are left out. For transactions that already hold seat rows, where waiting on a buyer's lock could
   * deadlock with a decision that holds it and waits for those seats.
   */
  async tryLockBuyers(manager: EntityManager, eventId: number, userIds: string[]): Promise<string[]> {
    const rows: { user_id: string }[] = await manager.query(
      `SELECT user_id FROM (SELECT DISTINCT user_id FROM unnest($2::text[]) AS u(user_id) ORDER BY 1) b
       WHERE pg_try_advisory_xact_lock(hashtextextended($1::bigint || ':' || b.user_id, 0))`,
      [eventId, userIds],
    );
    return rows.map((row) => row.user_id);
  }

  /** HELD and CONFIRMED seats per `<eventId>:<userId>`; run after lockBuyers, as a statement of its own (a new snapshot). */
  async ticketsOf(manager: EntityManager, requests: BuyerOfEvent[]): Promise<Map<string, number>> {
    const rows: { event_id: string; user_id: string; seats: number }[] = await manager.query(
      `SELECT b.event_id, b.user_id, sum(jsonb_array_length(b.seats))::int AS seats
       FROM bookings b JOIN (SELECT DISTINCT * FROM unnest($1::bigint[], $2::text[]) AS u(event_id, user_id)) u ON b.event_id = u.event_id AND b.user_id = u.user_id
       WHERE b.status IN ('HELD', 'CONFIRMED')
       GROUP BY b.event_id, b.user_id`,
      [requests.map((r) => r.eventId), requests.map((r) => r.userId)],
    );
    return new Map(rows.map((row) => [buyerKey({ eventId: Number(row.event_id), userId: row.user_id }), row.seats]));
  }

  /**
   * Free seats among the given ones (no lock: the guarded claim below decides). One primary-key probe a seat
   * (LATERAL … LIMIT 1): with a plain join the planner may scan the whole event when a new event has no statistics.
   */
  async findFreeAmong(manager: EntityManager, eventId: number, seats: Seat[]): Promise<Seat[]> {
    return manager.query(
      `SELECT free.seat_row AS row, free.seat_col AS col FROM unnest($2::int[], $3::int[]) AS wanted(seat_row, seat_col),
         LATERAL (SELECT seat_row, seat_col FROM seats
                  WHERE event_id = $1 AND seat_row = wanted.seat_row AND seat_col = wanted.seat_col AND status = 'AVAILABLE' LIMIT 1) AS free`,
      [eventId, seats.map((s) => s.row), seats.map((s) => s.col)],
    );
  }

  /**
   * Every free seat in the event's front rows: rows 1 to `throughRow`, the row of its (`atLeast` + 1)-th free seat
   * (Infinity when it has no more: then these are all). Walks the partial index on available seats in row order, so a
   * big event costs its front rows, not its size. A read in the deciding transaction; claimSeats re-checks every seat.
   */
  async findFreeInFrontRows(manager: EntityManager, eventId: number, atLeast: number): Promise<{ seats: Seat[]; throughRow: number }> {
    const rows: { row: number; col: number; through_row: number | null }[] = await manager.query(
      `WITH bound AS (SELECT seat_row FROM seats WHERE event_id = $1 AND status = 'AVAILABLE' ORDER BY seat_row, seat_col OFFSET $2 LIMIT 1)
       SELECT seat_row AS row, seat_col AS col, (SELECT seat_row FROM bound) AS through_row FROM seats
       WHERE event_id = $1 AND status = 'AVAILABLE' AND seat_row <= COALESCE((SELECT seat_row FROM bound), 2147483647)`,
      [eventId, atLeast],
    );
    return { seats: rows, throughRow: rows[0]?.through_row ?? Infinity };
  }

  /** Every free seat of the event (partial index on available seats; shrinks as the sale goes on). */
  async findAllFree(manager: EntityManager, eventId: number): Promise<Seat[]> {
    return manager.query(`SELECT seat_row AS row, seat_col AS col FROM seats WHERE event_id = $1 AND status = 'AVAILABLE'`, [eventId]);
  }

  /**
   * Marks the claimed seats HELD for their bookings and returns those it got, each found by a key probe in its event's
   * partition only (joined on the key, not on `ctid`, which is unique only within one partition). Safe under
   * concurrency: a row a competing writer changed first is re-checked on its newest version, which fails the
   * `status = 'AVAILABLE'` guard, so the claim is lost rather than the seat sold twice.
   */
  async claimSeats(manager: EntityManager, claims: SeatClaim[]): Promise<SeatClaim[]> {
    if (claims.length === 0) return [];
    const sorted = [...claims].sort((a, b) => a.eventId - b.eventId || a.row - b.row || a.col - b.col); // one lock order: fewer deadlocks
    const [rows]: [{ event_id: string; seat_row: number; seat_col: number; booking_id: string }[], number] = await manager.query(
      `UPDATE seats s SET status = 'HELD', booking_id = c.booking_id
       FROM unnest($1::bigint[], $2::int[], $3::int[], $4::uuid[]) AS c(event_id, seat_row, seat_col, booking_id)
       WHERE s.event_id = c.event_id AND s.seat_row = c.seat_row AND s.seat_col = c.seat_col AND s.status = 'AVAILABLE'
       RETURNING s.event_id, s.seat_row, s.seat_col, s.booking_id`,
      [sorted.map((c) => c.eventId), sorted.map((c) => c.row), sorted.map((c) => c.col), sorted.map((c) => c.bookingId)],
    );
    return rows.map((row) => ({ eventId: Number(row.event_id), row: row.seat_row, col: row.seat_col, bookingId: row.booking_id }));
  }

  /** Gives back seats claimed in this transaction by bookings that did not get all of theirs (all or nothing). */
  async releaseClaims(manager: EntityManager, losers: BookingKey[]): Promise<void> {
    if (losers.length === 0) return;
    await manager.query(`UPDATE seats SET status = 'AVAILABLE', booking_id = NULL WHERE event_id = ANY($1::bigint[]) AND booking_id = ANY($2::uuid[])`, bookingKeyArrays(losers));
  }

  /**
   * Claims seats for bookings, each all or nothing: a booking that did not get every seat it claimed gives back those
   * it got, in this transaction. Answers the seats of each booking that got all of them, in the order claimed.
   */
  async claimAllOrNothing(manager: EntityManager, claims: SeatClaim[]): Promise<{ won: Map<string, Seat[]>; lost: Set<string> }> {
    const got = new Map<string, number>();
    for (const { bookingId } of await this.claimSeats(manager, claims)) got.set(bookingId, (got.get(bookingId) ?? 0) + 1);
    const asked = new Map<string, { eventId: number; seats: Seat[] }>();
    for (const { bookingId, eventId, row, col } of claims) {
      const booking = asked.get(bookingId) ?? asked.set(bookingId, { eventId, seats: [] }).get(bookingId)!;
      booking.seats.push({ row, col });
    }
    const lost = [...asked].filter(([bookingId, { seats }]) => got.get(bookingId) !== seats.length);
    await this.releaseClaims(manager, lost.map(([bookingId, { eventId }]) => ({ bookingId, eventId })));
    const lostIds = new Set(lost.map(([bookingId]) => bookingId));
    return { won: new Map([...asked].filter(([bookingId]) => !lostIds.has(bookingId)).map(([bookingId, { seats }]) => [bookingId, seats])), lost: lostIds };
  }

  /**
   * HELD bookings get their hold deadline, payment lease and price; REJECTED ones their reason; each its outbox event,
   * in the same statement.
   */
  async recordDecisions(manager: EntityManager, decisions: BookingDecision[], terms: HoldTerms): Promise<BookingRecord[]> {
    if (decisions.length === 0) return [];
    const rows: BookingRow[] = await manager.query(
      `WITH decided AS (
         UPDATE bookings b SET status = d.status, seats = d.seats, reason = d.reason, updated_at = now(), decided_at = now(),
           amount_cents = jsonb_array_length(d.seats) * $5::int,
           hold_expires_at = CASE WHEN d.status = 'HELD' THEN now() + make_interval(secs => $6) END,
           payment_lease_until = CASE WHEN d.status = 'HELD' THEN now() + make_interval(secs => $7) END
         FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[], $8::bigint[]) AS d(id, status, seats, reason, event_id)
         WHERE b.event_id = d.event_id AND b.id = d.id
         RETURNING ${bookingColumns('b')}
       ), announced AS (${outboxRowsFor('decided', { released: false })})
       SELECT * FROM decided`,
      [
        decisions.map((d) => d.bookingId),
        decisions.map((d) => d.status),
        decisions.map((d) => JSON.stringify(d.seats)),
        decisions.map((d) => d.reason),
        SEAT_PRICE_CENTS,
        terms.holdTtlSeconds,
        terms.paymentLeaseSeconds,
        decisions.map((d) => d.eventId),
      ],
    );
    return rows.map(toBookingRecord);
  }
}
