import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { LOCK_WAITLIST_SQL } from '@app/booking';
import type { WaitlistEntryView, WaitlistStatus } from '@app/contracts';

interface EntryRow {
  id: string;
  quantity: number;
  status: WaitlistStatus;
  booking_id: string | null;
  position: number | null;
}

/**
 * What joining answers: the buyer's place; how many seats are free when enough are (book them instead); or the
 * tickets the buyer already holds when those and `quantity` would pass the event's per-buyer cap.
 */
export type JoinOutcome = { entry: WaitlistEntryView } | { freeSeats: number } | { ticketsHeld: number };

/** The place with its position among the buyers still waiting, counted on the waiting-only index. */
const ENTRY_COLUMNS = `w.id, w.quantity, w.status, w.booking_id,
  CASE WHEN w.status = 'WAITING' THEN (SELECT count(*)::int FROM waitlist o WHERE o.event_id = w.event_id AND o.status = 'WAITING' AND o.id <= w.id) END AS position`;

/** The gateway's side of the waitlist, on the primary: a buyer reads their own writes here. */
@Injectable()
export class WaitlistRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A place for the buyer, unless `quantity` seats are free or would take the buyer past `cap`. A buyer WAITING or BOOKED keeps the place they have; one
   * who LEFT or whose booking EXPIRED goes to the back of the line. Safe under concurrency: the waitlist lock orders
   * this against transactions giving seats back, and the one-place unique key against the buyer's own retries.
   */
  join(eventId: number, userId: string, quantity: number, cap: number): Promise<JoinOutcome> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(LOCK_WAITLIST_SQL, [eventId]);
      const held = await this.find(eventId, userId, manager);
      if (held && (held.status === 'WAITING' || held.status === 'BOOKED')) return { entry: held };
      const [{ tickets }]: { tickets: number }[] = await manager.query(
        `SELECT coalesce(sum(jsonb_array_length(seats)), 0)::int AS tickets FROM bookings WHERE event_id = $1 AND user_id = $2 AND status IN ('HELD', 'CONFIRMED')`,
        [eventId, userId],
      );
      if (tickets + quantity > cap) return { ticketsHeld: tickets };
      const [{ free }]: { free: number }[] = await manager.query(
        `SELECT count(*)::int AS free FROM (SELECT 1 FROM seats WHERE event_id = $1 AND status = 'AVAILABLE' LIMIT $2) AS enough`,
        [eventId, quantity],
      );
      if (free >= quantity) return { freeSeats: free };
      await manager.query(
        `INSERT INTO waitlist (event_id, user_id, quantity) VALUES ($1, $2, $3)
         ON CONFLICT (event_id, user_id) DO UPDATE
           SET id = DEFAULT, quantity = EXCLUDED.quantity, status = 'WAITING', booking_id = NULL, joined_at = now(), updated_at = now()`,
        [eventId, userId, quantity],
      );
      return { entry: (await this.find(eventId, userId, manager))! };
    });
  }

  async find(eventId: number, userId: string, manager: Pick<EntityManager, 'query'> = this.dataSource): Promise<WaitlistEntryView | undefined> {
    const [row]: EntryRow[] = await manager.query(`SELECT ${ENTRY_COLUMNS} FROM waitlist w WHERE w.event_id = $1 AND w.user_id = $2`, [eventId, userId]);
    return row && toView(row);
  }

  /**
   * The buyer leaves the line; a place already served stays as it is. Answers the place as it is now. Safe against a
   * hand-over serving this buyer at the same moment: one waits for the other, and the status guard lets only the first act.
   */
  async leave(eventId: number, userId: string): Promise<WaitlistEntryView | undefined> {
    await this.dataSource.query(`UPDATE waitlist SET status = 'LEFT', updated_at = now() WHERE event_id = $1 AND user_id = $2 AND status = 'WAITING'`, [eventId, userId]);
    return this.find(eventId, userId);
  }
}

function toView(row: EntryRow): WaitlistEntryView {
  return { position: row.position, quantity: row.quantity, status: row.status, ...(row.booking_id ? { bookingId: row.booking_id } : {}) };
}
