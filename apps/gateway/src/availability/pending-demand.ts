/** Seats of one booking this gateway accepted and the inventory has not decided yet. */
interface Demand {
  eventId: number;
  seats: number;
  /** Seat indexes, for requests that named their seats. */
  indexes?: readonly number[];
  acceptedAt: number;
}

/**
 * What this gateway has accepted and the inventory has not decided: seats per event and the named seats being
 * claimed. Entries leave when the inventory announces the decision, or after a while (a lost announcement must not
 * refuse buyers for long). Bounded by what one gateway can accept within that while.
 */
export class PendingDemand {
  private readonly bookings = new Map<string, Demand>();
  private readonly seatsByEvent = new Map<number, number>();
  private readonly claims = new Map<number, Map<number, number>>();
  private seatsTotal = 0;

  add(bookingId: string, eventId: number, seats: number, indexes?: readonly number[]): void {
    if (this.bookings.has(bookingId)) return;
    this.bookings.set(bookingId, { eventId, seats, indexes, acceptedAt: Date.now() });
    this.move(eventId, seats, indexes, +1);
  }

  /** The inventory decided the booking (or it is too old to count): its demand no longer stands. */
  settle(bookingId: string): void {
    const demand = this.bookings.get(bookingId);
    if (!demand) return;
    this.bookings.delete(bookingId);
    this.move(demand.eventId, demand.seats, demand.indexes, -1);
  }

  seatsPending(eventId: number): number {
    return this.seatsByEvent.get(eventId) ?? 0;
  }

  isClaimed(eventId: number, index: number): boolean {
    return (this.claims.get(eventId)?.get(index) ?? 0) > 0;
  }

  get totalSeats(): number {
    return this.seatsTotal;
  }

  /** Forgets demand accepted before `cutoff` (epoch ms); entries are in acceptance order, so only the oldest are visited. */
  expireBefore(cutoff: number): number {
    let expired = 0;
    for (const [bookingId, demand] of this.bookings) {
      if (demand.acceptedAt >= cutoff) break;
      this.settle(bookingId);
      expired++;
    }
    return expired;
  }

  private move(eventId: number, seats: number, indexes: readonly number[] | undefined, sign: 1 | -1): void {
    this.seatsTotal += sign * seats;
    const left = (this.seatsByEvent.get(eventId) ?? 0) + sign * seats;
    if (left > 0) this.seatsByEvent.set(eventId, left);
    else this.seatsByEvent.delete(eventId);
    if (!indexes) return;
    let claims = this.claims.get(eventId);
    if (!claims) this.claims.set(eventId, (claims = new Map()));
    for (const index of indexes) {
      const count = (claims.get(index) ?? 0) + sign;
      if (count > 0) claims.set(index, count);
      else claims.delete(index);
    }
    if (claims.size === 0) this.claims.delete(eventId);
  }
}
