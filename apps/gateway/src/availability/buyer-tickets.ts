import type { BookingChange } from '@app/booking';
import { growingLru } from '@app/common';
import type { BookingStatus } from '@app/contracts';

/** Statuses that give a booking's seats back: the buyer holds them no more. */
const GIVES_BACK: ReadonlySet<BookingStatus> = new Set(['FAILED', 'EXPIRED', 'CANCELLED']);
const TRACKED_BUYERS = 200_000;

/**
 * Tickets (HELD or CONFIRMED seats) per buyer and event, as the inventory's booking notices tell every gateway: what
 * a gateway already knows of a buyer's holdings. The inventory counts exactly; this only refuses early what is over.
 */
export class BuyerTickets {
  private readonly held = growingLru<string, number>(TRACKED_BUYERS);

  apply(change: BookingChange): void {
    const key = `${change.eventId}:${change.userId}`;
    if (change.status === 'HELD') this.held.set(key, (this.held.get(key) ?? 0) + change.seatCount);
    else if (GIVES_BACK.has(change.status) && change.seatCount > 0) this.held.set(key, Math.max(0, (this.held.get(key) ?? 0) - change.seatCount));
  }

  of(eventId: number, buyer: string): number {
    return this.held.get(`${eventId}:${buyer}`) ?? 0;
  }
}
