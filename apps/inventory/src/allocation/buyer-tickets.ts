import type { BookingRequestedV1 } from '@app/contracts';

/** How a buyer of an event is keyed, here and in BookingRepository.ticketsOf. */
export const buyerKey = (request: Pick<BookingRequestedV1, 'eventId' | 'userId'>) => `${request.eventId}:${request.userId}`;

/**
 * Tickets per (event, buyer) while one batch is decided: what the buyers held in PostgreSQL when the batch locked
 * them, plus what the batch gives them, so that two requests of one buyer in one batch cannot pass the cap together.
 */
export class BuyerTickets {
  constructor(private readonly held: Map<string, number>, private readonly capOf: (eventId: number) => number) {}

  /** Counts `count` tickets for the request's buyer, or answers why the cap forbids it. */
  reserve(request: BookingRequestedV1, count: number): string | undefined {
    const key = buyerKey(request);
    const holds = this.held.get(key) ?? 0;
    const cap = this.capOf(request.eventId);
    if (holds + count > cap) return `over the limit of ${cap} tickets per buyer for event ${request.eventId}: the buyer holds ${holds}`;
    this.held.set(key, holds + count);
    return undefined;
  }

  /** A reservation that came to nothing (no seats, or seats lost to another transaction). */
  release(request: BookingRequestedV1, count: number): void {
    const key = buyerKey(request);
    this.held.set(key, Math.max(0, (this.held.get(key) ?? 0) - count));
  }
}
