import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '@app/config';
import type { BookingRequestedV1, Seat } from '@app/contracts';
import { PermanentMessageError } from '@app/messaging';
import { contextFrom, linkTo, traced } from '@app/observability';
import { BookingProjections } from '../projection/booking-projections.js';
import { PaymentSaga } from '../saga/payment.saga.js';
import { paymentLeaseSeconds } from '../saga/payment-policy.js';
import { type BookingDecision, BookingRepository, type EventTerms, type HoldTerms, type SeatClaim } from '../allocation/booking.repository.js';
import { BuyerTickets } from '../allocation/buyer-tickets.js';
import { type Allocation, FreeSeats, seatLabel } from '../allocation/seat-allocator.js';

export interface TracedRequest {
  request: BookingRequestedV1;
  /** W3C traceparent of the message, kept with the booking so that its saga joins the trace. */
  traceParent?: string;
}

/** Claim rounds for best-available requests that lost seats to another inventory replica in the same instant. */
const CLAIM_ROUNDS = 3;

/** Per booking id of a batch: undefined when decided (or decided before), else why it cannot be. */
export type Problems = Map<string, Error | undefined>;

/**
 * Decides a batch of booking requests in one PostgreSQL transaction: each gets all its seats HELD or is REJECTED
 * (no seats, or over its buyer's cap). The HELD ones then go on to the payment saga.
 */
@Injectable()
export class BookingDecider {
  private readonly logger = new Logger(BookingDecider.name);
  private readonly holdTerms: HoldTerms;
  /** Grids and caps never change: read once per event. */
  private readonly events = new Map<number, EventTerms>();

  constructor(
    private readonly repository: BookingRepository,
    private readonly saga: PaymentSaga,
    private readonly projections: BookingProjections,
    config: AppConfig,
  ) {
    const { holdTtlSeconds, paymentTimeoutMs, paymentMaxAttempts } = config.saga;
    this.holdTerms = { holdTtlSeconds, paymentLeaseSeconds: paymentLeaseSeconds(paymentTimeoutMs, paymentMaxAttempts) };
  }

  /** When traced, the batch is one span, child of its first message's span and linked to the others'. */
  decideBatch(batch: TracedRequest[]): Promise<Problems> {
    const [first, ...others] = batch.map(({ traceParent }) => contextFrom(traceParent ? { traceparent: traceParent } : undefined));
    return traced('decide booking batch', first, () => this.decide(batch), undefined, others.map(linkTo).filter((link) => link !== undefined));
  }

  private async decide(batch: TracedRequest[]): Promise<Problems> {
    const traceParents = new Map(batch.map(({ request, traceParent }) => [request.bookingId, traceParent]));
    const problems: Problems = new Map(batch.map(({ request }) => [request.bookingId, undefined]));
    const unique = [...new Map(batch.map(({ request }) => [request.bookingId, request])).values()];
    await this.loadEvents(unique.map((request) => request.eventId));
    const known = unique.filter((request) => this.events.has(request.eventId));
    for (const request of unique) if (!this.events.has(request.eventId)) problems.set(request.bookingId, new PermanentMessageError(`event ${request.eventId} does not exist`));
    if (known.length === 0) return problems;

    const recorded = await this.repository.transaction(async (manager) => {
      const fresh = await this.repository.insertPending(manager, known, traceParents);
      const requests = known.filter((request) => fresh.has(request.bookingId));
      await this.repository.lockBuyers(manager, requests);
      const tickets = new BuyerTickets(await this.repository.ticketsOf(manager, requests), (eventId) => this.events.get(eventId)!.maxTicketsPerBuyer);
      return this.repository.recordDecisions(manager, await this.allocate(manager, requests, tickets), this.holdTerms);
    });
    await this.projections.afterCommit(recorded, 'HELD');
    const onHold = recorded.filter((booking) => booking.status === 'HELD');
    this.saga.start(onHold.map(({ bookingId, eventId, amountCents }) => ({ bookingId, eventId, amountCents: amountCents!, traceParent: traceParents.get(bookingId) })));
    return problems;
  }

  private async allocate(manager: EntityManager, requests: BookingRequestedV1[], tickets: BuyerTickets): Promise<BookingDecision[]> {
    const decisions: BookingDecision[] = [];
    let undecided = requests;
    for (let round = 1; round <= CLAIM_ROUNDS && undecided.length > 0; round++) {
      const claims: SeatClaim[] = [];
      for (const [eventId, eventRequests] of groupByEvent(undecided)) {
        await this.allocateEvent(manager, eventId, eventRequests, tickets, claims, decisions);
      }
      const { won, lost } = await this.repository.claimAllOrNothing(manager, claims);
      if (lost.size > 0) this.logger.debug(`round ${round}: ${lost.size} bookings lost seats to a concurrent transaction`);

      undecided = [];
      for (const request of requests) {
        const seats = won.get(request.bookingId);
        if (seats) decisions.push(held(request, seats));
        if (!lost.has(request.bookingId)) continue;
        tickets.release(request, request.quantity ?? request.seats!.length);
        if (request.seats) decisions.push(rejected(request, `seats taken meanwhile: ${request.seats.map(seatLabel).join(', ')}`));
        else undecided.push(request);
      }
    }
    return [...decisions, ...undecided.map((request) => rejected(request, 'seats were taken by concurrent bookings, please try again'))];
  }

  /** Allocates one event's requests of a claim round: each gets seats into `claims`, or its rejection into `decisions`. */
  private async allocateEvent(
    manager: EntityManager,
    eventId: number,
    requests: BookingRequestedV1[],
    tickets: BuyerTickets,
    claims: SeatClaim[],
    decisions: BookingDecision[],
  ): Promise<void> {
    let free = await this.loadFreeSeats(manager, eventId, requests);
    for (const request of requests) {
      const wanted = request.quantity ?? request.seats!.length;
      const overCap = tickets.reserve(request, wanted);
      if (overCap) {
        decisions.push(rejected(request, overCap));
        continue;
      }
      let allocation = request.seats ? free.allocateExact(request.seats) : free.allocateBest(request.quantity!);
      if ('needsAllRows' in allocation) {
        free = await this.loadAllFreeSeats(manager, eventId, claims);
        allocation = free.allocateBest(request.quantity!) as Allocation; // complete now: never NEEDS_ALL_ROWS again
      }
      if ('seats' in allocation) claims.push(...allocation.seats.map((seat) => ({ ...seat, eventId, bookingId: request.bookingId })));
      else {
        tickets.release(request, wanted);
        decisions.push(rejected(request, allocation.reason));
      }
    }
  }

  /**
   * Exact-seat requests need only their own seats; best-available needs the front rows: enough free seats for the
   * batch twice over and a row more, so a big event is not read whole for every batch.
   */
  private async loadFreeSeats(manager: EntityManager, eventId: number, requests: BookingRequestedV1[]): Promise<FreeSeats> {
    const { grid } = this.events.get(eventId)!;
    const asked = requests.flatMap((request) => request.seats ?? []);
    const askedFree = asked.length > 0 ? await this.repository.findFreeAmong(manager, eventId, asked) : [];
    const quantity = requests.reduce((sum, request) => sum + (request.quantity ?? 0), 0);
    if (quantity === 0) return new FreeSeats(grid, askedFree, 0);
    const front = await this.repository.findFreeInFrontRows(manager, eventId, 2 * quantity + grid.cols);
    return new FreeSeats(grid, [...front.seats, ...askedFree], front.throughRow);
  }

  /** Every free seat of the event, less those this round has already claimed. */
  private async loadAllFreeSeats(manager: EntityManager, eventId: number, claims: SeatClaim[]): Promise<FreeSeats> {
    const free = new FreeSeats(this.events.get(eventId)!.grid, await this.repository.findAllFree(manager, eventId));
    free.take(claims.filter((claim) => claim.eventId === eventId));
    return free;
  }

  private async loadEvents(eventIds: number[]): Promise<void> {
    const missing = [...new Set(eventIds)].filter((id) => !this.events.has(id));
    if (missing.length > 0) for (const [id, terms] of await this.repository.eventTerms(missing)) this.events.set(id, terms);
  }
}

function groupByEvent(requests: BookingRequestedV1[]): Map<number, BookingRequestedV1[]> {
  const groups = new Map<number, BookingRequestedV1[]>();
  for (const request of requests) {
    const group = groups.get(request.eventId);
    if (group) group.push(request);
    else groups.set(request.eventId, [request]);
  }
  return groups;
}

function held(request: BookingRequestedV1, seats: Seat[]): BookingDecision {
  return { bookingId: request.bookingId, eventId: request.eventId, status: 'HELD', seats, reason: null };
}

function rejected(request: BookingRequestedV1, reason: string): BookingDecision {
  return { bookingId: request.bookingId, eventId: request.eventId, status: 'REJECTED', seats: [], reason };
}
