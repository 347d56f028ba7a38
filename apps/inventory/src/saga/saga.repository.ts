import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type BookingKey, bookingKeyArrays, type BookingRecord, bookingColumns, type BookingRow, toBookingRecord, type Transition, TRANSITIONS } from '@app/booking';
import { outboxRowsFor } from '../outbox/outbox-rows.js';
import { WaitlistHandover } from '../waitlist/waitlist-handover.js';

export interface PaymentDue extends BookingKey {
  amountCents: number;
  /** The booking's trace, so that its payment and confirmation join it. */
  traceParent?: string;
}

/** A saga transaction, and the waitlist bookings made in it from the seats it gave back. */
interface SagaTransaction {
  manager: EntityManager;
  handedOver: BookingRecord[];
}

/**
 * Every saga transition is one transaction: the booking, its seats and its outbox events change together, and seats
 * it gives back go to the waitlist in that same transaction.
 */
@Injectable()
export class SagaRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly waitlist: WaitlistHandover) {}

  /** Several transitions of different bookings in one transaction (group commit of payment results). */
  transitionAll(groups: [Transition, BookingKey[]][]): Promise<BookingRecord[]> {
    return this.transaction(async (tx) => {
      const changed: BookingRecord[] = [];
      for (const [transition, bookings] of groups) changed.push(...(await this.apply(tx, bookings, transition)));
      return changed;
    });
  }

  /** HELD bookings past their deadline become EXPIRED. Safe with several replicas: SKIP LOCKED splits the work. */
  expireDue(limit: number): Promise<BookingRecord[]> {
    return this.transaction(async (tx) => {
      const due: { id: string; event_id: string }[] = await tx.manager.query(
        `SELECT id, event_id FROM bookings WHERE status = 'HELD' AND hold_expires_at < now() ORDER BY hold_expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      return this.apply(tx, due.map(toBookingKey), TRANSITIONS.expire);
    });
  }

  /**
   * Takes over the payment step of HELD bookings whose lease ran out (their process died). Safe under concurrency:
   * the row lock plus the renewed lease give each stalled booking to one taker at a time.
   */
  async leaseStalledPayments(limit: number, leaseSeconds: number): Promise<PaymentDue[]> {
    const [rows]: [{ id: string; event_id: string; amount_cents: number; trace_parent: string | null }[], number] = await this.dataSource.query(
      `UPDATE bookings SET payment_lease_until = now() + make_interval(secs => $2)
       WHERE (event_id, id) IN (SELECT event_id, id FROM bookings WHERE status = 'HELD' AND payment_lease_until < now() LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, event_id, amount_cents, trace_parent`,
      [limit, leaseSeconds],
    );
    return rows.map((row) => ({ ...toBookingKey(row), amountCents: row.amount_cents, traceParent: row.trace_parent ?? undefined }));
  }

  /**
   * Cancels for its buyer a booking that is HELD or CONFIRMED. A cancellation that overtook its booking request
   * records a CANCELLED row, so the request, when it comes, finds the id taken and books nothing.
   */
  cancel(bookingId: string, eventId: number, userId: string, requestedAt: string): Promise<BookingRecord[]> {
    return this.transaction(async (tx) => {
      const [tombstone]: BookingRow[] = await tx.manager.query(
        `WITH cancelled AS (
           INSERT INTO bookings (id, event_id, user_id, status, reason, created_at, updated_at)
           VALUES ($1, $2, $3, 'CANCELLED', 'cancelled by the buyer before it was decided', $4, now())
           ON CONFLICT (event_id, id) DO NOTHING RETURNING ${bookingColumns()}
         ), announced AS (${outboxRowsFor('cancelled', { released: false })})
         SELECT * FROM cancelled`,
        [bookingId, eventId, userId, requestedAt],
      );
      if (tombstone) return [toBookingRecord(tombstone)];
      return this.apply(tx, [{ bookingId, eventId }], TRANSITIONS.cancel, userId);
    });
  }

  /** Gives up this process's ownership of payment steps it will not run, so that any replica resumes them now. */
  async releaseLeases(bookings: BookingKey[]): Promise<void> {
    if (bookings.length === 0) return;
    await this.dataSource.query(`UPDATE bookings SET payment_lease_until = now() WHERE event_id = ANY($1::bigint[]) AND id = ANY($2::uuid[]) AND status = 'HELD'`, bookingKeyArrays(bookings));
  }

  async pendingRefunds(limit: number): Promise<BookingKey[]> {
    const rows: { id: string; event_id: string }[] = await this.dataSource.query('SELECT id, event_id FROM bookings WHERE refund_pending LIMIT $1', [limit]);
    return rows.map(toBookingKey);
  }

  async markRefunded({ bookingId, eventId }: BookingKey): Promise<void> {
    await this.dataSource.query('UPDATE bookings SET refund_pending = false WHERE event_id = $1 AND id = $2', [eventId, bookingId]);
  }

  /** Asks the paid-for booking to be refunded when it is no longer CONFIRMED (it expired or was cancelled meanwhile). */
  async requestRefundUnlessConfirmed({ bookingId, eventId }: BookingKey): Promise<void> {
    await this.dataSource.query(`UPDATE bookings SET refund_pending = true WHERE event_id = $1 AND id = $2 AND status <> 'CONFIRMED'`, [eventId, bookingId]);
  }

  /** Runs `work` in a transaction; after its commit, the read side learns of the waitlist bookings made in it. */
  private async transaction(work: (tx: SagaTransaction) => Promise<BookingRecord[]>): Promise<BookingRecord[]> {
    const handedOver: BookingRecord[] = [];
    const changed = await this.dataSource.transaction((manager) => work({ manager, handedOver }));
    await this.waitlist.afterCommit(handedOver);
    return changed;
  }

  /**
   * One statement: the `status = ANY(from)` guard makes concurrent transitions of one booking (payment result vs.
   * expiry vs. cancellation) exclusive — the loser changes nothing — and the seats follow their booking.
   */
  private async apply({ manager, handedOver }: SagaTransaction, bookings: BookingKey[], transition: Transition, userId?: string): Promise<BookingRecord[]> {
    if (bookings.length === 0) return [];
    const [eventIds, ids] = bookingKeyArrays(bookings);
    const rows: BookingRow[] = await manager.query(
      `WITH changed AS (
         UPDATE bookings SET status = $3, reason = coalesce($4, reason), refund_pending = refund_pending OR $5,
           hold_expires_at = NULL, payment_lease_until = NULL, updated_at = now()
         WHERE event_id = ANY($1::bigint[]) AND id = ANY($2::uuid[]) AND status = ANY($6::text[]) AND ($8::text IS NULL OR user_id = $8)
         RETURNING ${bookingColumns()}
       ), seats_changed AS (
         UPDATE seats SET status = $7, booking_id = CASE WHEN $7 = 'AVAILABLE' THEN NULL ELSE seats.booking_id END
         FROM changed WHERE seats.event_id = changed.event_id AND seats.booking_id = changed.id
       ), announced AS (${outboxRowsFor('changed', { released: transition.seats === 'AVAILABLE' })})
       SELECT * FROM changed`,
      [eventIds, ids, transition.to, transition.reason ?? null, transition.refund ?? false, transition.from, transition.seats, userId ?? null],
    );
    const changed = rows.map(toBookingRecord);
    if (transition.seats === 'AVAILABLE') handedOver.push(...(await this.waitlist.afterRelease(manager, changed)));
    return changed;
  }
}

function toBookingKey(row: { id: string; event_id: string }): BookingKey {
  return { bookingId: row.id, eventId: Number(row.event_id) };
}
