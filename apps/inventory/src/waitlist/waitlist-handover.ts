import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { EntityManager } from 'typeorm';
import type { BookingRecord } from '@app/booking';
import { AppConfig } from '@app/config';
import { BookingRequestedV1 } from '@app/contracts';
import { METRIC } from '@app/observability';
import { BookingRepository, type EventTerms, type HoldTerms, type SeatClaim } from '../allocation/booking.repository.js';
import { buyerKey } from '../allocation/buyer-tickets.js';
import { FreeSeats } from '../allocation/seat-allocator.js';
import { BookingProjections } from '../projection/booking-projections.js';
import { type WaitingBuyer, WaitlistRepository } from './waitlist.repository.js';

interface Serving {
  buyer: WaitingBuyer;
  bookingId: string;
}

/**
 * Seats that come back go to the waitlist in the transaction that frees them: the first buyers in line whose quantity
 * fits get a HELD booking made exactly as a decided one (outbox events included), so the seats never show free. The
 * booking then runs through the normal saga, and one that fails gives its seats back — to the next in line.
 */
@Injectable()
export class WaitlistHandover {
  private readonly holdTerms: HoldTerms;
  /** Event grids and caps never change: read once. */
  private readonly terms = new Map<number, EventTerms>();

  constructor(
    private readonly waitlist: WaitlistRepository,
    private readonly bookings: BookingRepository,
    private readonly projections: BookingProjections,
    config: AppConfig,
    @InjectMetric(METRIC.waitlistHandovers) private readonly handovers: Counter,
  ) {
    // A payment lease due at once: the saga's next sweep starts the payment, as for a booking whose process died.
    this.holdTerms = { holdTtlSeconds: config.saga.holdTtlSeconds, paymentLeaseSeconds: 0 };
  }

  /**
   * Within the transaction that released these bookings' seats: the places of waitlist bookings that failed expire,
   * and each event's free seats are handed over. Answers the bookings made; the released bookings learn which of
   * their seats passed straight on (`seatsPassedOn`), so that the read side never shows those free.
   */
  async afterRelease(manager: EntityManager, released: BookingRecord[]): Promise<BookingRecord[]> {
    await this.waitlist.expireServed(manager, released.filter((b) => b.status === 'FAILED' || b.status === 'EXPIRED'));
    const eventIds = [...new Set(released.filter((b) => b.seats.length > 0).map((b) => b.eventId))].sort((a, b) => a - b); // one lock order
    const made: BookingRecord[] = [];
    for (const eventId of eventIds) made.push(...(await this.handOver(manager, eventId)));
    notePassedOn(released, made);
    return made;
  }

  /** After the commit: the read side learns of the bookings made. */
  async afterCommit(made: BookingRecord[]): Promise<void> {
    if (made.length === 0) return;
    this.handovers.inc(made.length);
    await this.projections.afterCommit(made, 'HELD');
  }

  private async handOver(manager: EntityManager, eventId: number): Promise<BookingRecord[]> {
    await this.waitlist.lock(manager, eventId);
    if (!(await this.waitlist.anyWaiting(manager, eventId))) return []; // spares reading the free seats of a big event
    const terms = await this.termsOf(eventId);
    const free = new FreeSeats(terms.grid, await this.bookings.findAllFree(manager, eventId));
    const claims: SeatClaim[] = [];
    const serving: Serving[] = [];
    const waiting = await this.waitlist.nextInLine(manager, eventId, free.count);
    const room = await this.roomUnderCap(manager, eventId, terms.maxTicketsPerBuyer, waiting);
    for (const buyer of waiting) {
      if ((room.get(buyer.userId) ?? 0) < buyer.quantity) continue; // at the cap, or being decided: keeps the place
      const allocation = free.allocateBest(buyer.quantity);
      if (!('seats' in allocation)) continue; // no longer fits: keeps the place for seats to come
      const bookingId = randomUUID();
      serving.push({ buyer, bookingId });
      claims.push(...allocation.seats.map((seat) => ({ ...seat, eventId, bookingId })));
    }
    // The guarded claim has the last word: a buyer whose seats a concurrent booking took keeps the place.
    const { won } = await this.bookings.claimAllOrNothing(manager, claims);
    const served = serving.filter(({ bookingId }) => won.has(bookingId));
    if (served.length === 0) return [];
    const requestedAt = new Date().toISOString();
    const requests = served.map(({ buyer, bookingId }) => BookingRequestedV1.create({ bookingId, eventId, userId: buyer.userId, quantity: buyer.quantity, requestedAt }));
    await this.bookings.insertPending(manager, requests, new Map());
    const decisions = served.map(({ bookingId }) => ({ bookingId, eventId, status: 'HELD' as const, seats: won.get(bookingId)!, reason: null }));
    const made = await this.bookings.recordDecisions(manager, decisions, this.holdTerms);
    await this.waitlist.markBooked(manager, eventId, served.map(({ buyer, bookingId }) => ({ entryId: buyer.id, bookingId })));
    return made;
  }

  /**
   * Tickets each waiting buyer may still take under the event's per-buyer cap, counted under the buyer's lock as a
   * decision counts them; a buyer whose lock another transaction holds right now is left for the next hand-over.
   */
  private async roomUnderCap(manager: EntityManager, eventId: number, cap: number, waiting: WaitingBuyer[]): Promise<Map<string, number>> {
    if (waiting.length === 0) return new Map();
    const buyers = (await this.bookings.tryLockBuyers(manager, eventId, waiting.map((buyer) => buyer.userId))).map((userId) => ({ eventId, userId }));
    const held = await this.bookings.ticketsOf(manager, buyers);
    return new Map(buyers.map((buyer) => [buyer.userId, cap - (held.get(buyerKey(buyer)) ?? 0)]));
  }

  private async termsOf(eventId: number): Promise<EventTerms> {
    if (!this.terms.has(eventId)) for (const [id, terms] of await this.bookings.eventTerms([eventId])) this.terms.set(id, terms);
    return this.terms.get(eventId)!;
  }
}

function notePassedOn(released: BookingRecord[], made: BookingRecord[]): void {
  const taken = new Set(made.flatMap((booking) => booking.seats.map((seat) => `${booking.eventId}:${seat.row}:${seat.col}`)));
  for (const booking of released) {
    const passedOn = booking.seats.filter((seat) => taken.has(`${booking.eventId}:${seat.row}:${seat.col}`));
    if (passedOn.length > 0) booking.seatsPassedOn = passedOn;
  }
}
