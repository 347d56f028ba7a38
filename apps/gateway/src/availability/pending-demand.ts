/** Seats of one booking this gateway accepted and the inventory has not decided yet. */
interface Demand {
  eventId: number;
  buyer: string;
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
  private readonly seatsByBuyer = new Map<string, number>();
  private seatsTotal = 0;

  add(bookingId: string, eventId: number, buyer: string, seats: number, indexes?: readonly number[]): void {
    if (this.bookings.has(bookingId)) return;
    this.bookings.set(bookingId, { eventId, buyer, seats, indexes, acceptedAt: Date.now() });
    this.move(eventId, buyer, seats, indexes, +1);
  }

  /** The inventory decided the booking (or it is too old to count): its demand no longer stands. */
  settle(bookingId: string): void {
    const demand = this.bookings.get(bookingId);
    if (!demand) return;
    this.bookings.delete(bookingId);
    this.move(demand.eventId, demand.buyer, demand.seats, demand.indexes, -1);
  }

  seatsPending(eventId: number): number {
    return this.seatsByEvent.get(eventId) ?? 0;
  }

  seatsPendingFor(eventId: number, buyer: string): number {
    return this.seatsByBuyer.get(`${eventId}:${buyer}`) ?? 0;
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

  private move(eventId: number, buyer: string, seats: number, indexes: readonly number[] | undefined, sign: 1 | -1): void {
    this.seatsTotal += sign * seats;
    adjust(this.seatsByEvent, eventId, sign * seats);
    adjust(this.seatsByBuyer, `${eventId}:${buyer}`, sign * seats);
    if (!indexes) return;
    let claims = this.claims.get(eventId);
    if (!claims) this.claims.set(eventId, (claims = new Map()));
    for (const index of indexes) adjust(claims, index, sign);
    if (claims.size === 0) this.claims.delete(eventId);
  }
}

/** Adds `delta` to a count, keeping no entry for zero. */
function adjust<K>(counts: Map<K, number>, key: K, delta: number): void {
  const count = (counts.get(key) ?? 0) + delta;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}
