import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type BookingKey, bookingKeyArrays, LOCK_WAITLIST_SQL } from '@app/booking';

export interface WaitingBuyer {
  id: string;
  userId: string;
  quantity: number;
}

/** The inventory's waitlist statements, each run inside the transaction that gives seats back. */
@Injectable()
export class WaitlistRepository {
  /** Excludes buyers joining this event's line until the transaction ends (see LOCK_WAITLIST_SQL). */
  async lock(manager: EntityManager, eventId: number): Promise<void> {
    await manager.query(LOCK_WAITLIST_SQL, [eventId]);
  }

  /** Places whose booking failed or expired are used up. */
  async expireServed(manager: EntityManager, bookings: BookingKey[]): Promise<void> {
    if (bookings.length === 0) return;
    await manager.query(
      `UPDATE waitlist SET status = 'EXPIRED', updated_at = now() WHERE event_id = ANY($1::bigint[]) AND booking_id = ANY($2::uuid[]) AND status = 'BOOKED'`,
      bookingKeyArrays(bookings),
    );
  }

  async anyWaiting(manager: EntityManager, eventId: number): Promise<boolean> {
    const [{ waiting }]: { waiting: boolean }[] = await manager.query(`SELECT EXISTS (SELECT 1 FROM waitlist WHERE event_id = $1 AND status = 'WAITING') AS waiting`, [eventId]);
    return waiting;
  }

  /**
   * The buyers still waiting whose quantity fits in `freeSeats`, first come first. Safe under concurrency: the rows
   * are locked, so a buyer leaving meanwhile waits for this transaction, and one who left first is skipped.
   */
  async nextInLine(manager: EntityManager, eventId: number, freeSeats: number): Promise<WaitingBuyer[]> {
    if (freeSeats === 0) return [];
    const rows: { id: string; user_id: string; quantity: number }[] = await manager.query(
      `SELECT id, user_id, quantity FROM waitlist WHERE event_id = $1 AND status = 'WAITING' AND quantity <= $2 ORDER BY id LIMIT $2 FOR UPDATE`,
      [eventId, freeSeats],
    );
    return rows.map((row) => ({ id: row.id, userId: row.user_id, quantity: row.quantity }));
  }

  /** These places were served with these bookings (rows locked by {@link nextInLine}). */
  async markBooked(manager: EntityManager, eventId: number, served: { entryId: string; bookingId: string }[]): Promise<void> {
    await manager.query(
      `UPDATE waitlist w SET status = 'BOOKED', booking_id = s.booking_id, updated_at = now()
       FROM unnest($2::bigint[], $3::uuid[]) AS s(id, booking_id) WHERE w.event_id = $1 AND w.id = s.id`,
      [eventId, served.map((s) => s.entryId), served.map((s) => s.bookingId)],
    );
  }
}
