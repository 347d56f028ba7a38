import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '@app/config';
import type { BookingRequestedV1 } from '@app/contracts';
import { SeatStateReader } from '@app/database';
import { PermanentMessageError } from '@app/messaging';
import { contextFrom, inSpan, linkTo, SpanKind } from '@app/observability';
import { eventsOf } from '../outbox/booking-events.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { BookingProjections } from '../projection/booking-projections.js';
import { PaymentSaga } from '../saga/payment.saga.js';
import { paymentLeaseSeconds } from '../saga/payment-policy.js';
import { type BookingDecision, BookingRepository, type HoldTerms, type SeatClaim } from './booking.repository.js';
import { FreeSeats, type Grid, seatLabel } from './seat-allocator.js';

/** Claim rounds for best-available requests that lost seats to another inventory replica in the same instant. */
const CLAIM_ROUNDS = 3;

/** What became of each request of a batch: undefined = decided (or already decided before), else why it cannot be. */
export type BatchOutcome = Map<string, PermanentMessageError | undefined>;

export interface TracedRequest {
  request: BookingRequestedV1;
  traceParent?: string;
}

/**
 * Decides a batch of booking requests in one PostgreSQL transaction: each gets all its seats HELD or is REJECTED.
 * The HELD ones then go on to the payment saga.
 */
@Injectable()
export class BookingService {
  private readonly logger = new Logger(BookingService.name);
  private readonly holdTerms: HoldTerms;

  constructor(
    private readonly repository: BookingRepository,
    private readonly outbox: OutboxRepository,
    private readonly saga: PaymentSaga,
    private readonly projections: BookingProjections,
    private readonly reader: SeatStateReader,
    config: AppConfig,
  ) {
    const { holdTtlSeconds, paymentTimeoutMs, paymentMaxAttempts } = config.saga;
    this.holdTerms = { holdTtlSeconds, paymentLeaseSeconds: paymentLeaseSeconds(paymentTimeoutMs, paymentMaxAttempts) };
  }

  /** The batch is one span, child of its first message's span and linked to the others'. */
  decideBatch(batch: TracedRequest[]): Promise<BatchOutcome> {
    const [first, ...others] = batch.map(({ traceParent }) => contextFrom(traceParent ? { traceparent: traceParent } : undefined));
    const links = others.map(linkTo).filter((link) => link !== undefined);
    return inSpan('decide booking batch', SpanKind.INTERNAL, first, async () => this.decide(batch), links);
  }

  private async decide(batch: TracedRequest[]): Promise<BatchOutcome> {
    const requests = batch.map(({ request }) => request);
    const traceParents = new Map(batch.map(({ request, traceParent }) => [request.bookingId, traceParent]));
    const outcome: BatchOutcome = new Map(requests.map((request) => [request.bookingId, undefined]));
    const unique = [...new Map(requests.map((request) => [request.bookingId, request])).values()];
    const grids = await this.reader.grids([...new Set(unique.map((request) => request.eventId))]);
    const known = unique.filter((request) => grids.has(request.eventId));
    for (const request of unique) if (!grids.has(request.eventId)) outcome.set(request.bookingId, new PermanentMessageError(`event ${request.eventId} does not exist`));
    if (known.length === 0) return outcome;

    const stored = await this.repository.transaction(async (manager) => {
      const fresh = await this.repository.insertPending(manager, known, traceParents);
      const decisions = await this.allocate(manager, known.filter((request) => fresh.has(request.bookingId)), grids);
      const recorded = await this.repository.recordDecisions(manager, decisions, this.holdTerms);
      await this.outbox.append(manager, recorded.flatMap((booking) => eventsOf(booking)));
      return recorded;
    });
    await this.projections.afterCommit(stored, 'HELD');
    this.saga.start(stored.filter((booking) => booking.status === 'HELD').map(({ bookingId, amountCents }) => ({ bookingId, amountCents, traceParent: traceParents.get(bookingId) })));
    return outcome;
  }

  private async allocate(manager: EntityManager, requests: BookingRequestedV1[], grids: Map<number, Grid>): Promise<BookingDecision[]> {
    const decisions: BookingDecision[] = [];
    let undecided = requests;
    for (let round = 1; round <= CLAIM_ROUNDS && undecided.length > 0; round++) {
      const claims: SeatClaim[] = [];
      for (const [eventId, eventRequests] of groupByEvent(undecided)) {
        const free = new FreeSeats(grids.get(eventId)!, await this.loadFreeSeats(manager, eventId, eventRequests));
        for (const request of eventRequests) {
          const allocation = request.seats ? free.allocateExact(request.seats) : free.allocateBest(request.quantity!);
          if ('reason' in allocation) decisions.push(rejected(request, allocation.reason));
          else claims.push(...allocation.seats.map((seat) => ({ ...seat, eventId, bookingId: request.bookingId })));
        }
      }
      const won = countByBooking(await this.repository.claimSeats(manager, claims));
      const wanted = countByBooking(claims);
      const losers = [...wanted.keys()].filter((bookingId) => won.get(bookingId) !== wanted.get(bookingId));
      await this.repository.releaseClaims(manager, losers);
      if (losers.length > 0) this.logger.debug(`round ${round}: ${losers.length} bookings lost seats to a concurrent transaction`);

      const lost = new Set(losers);
      undecided = [];
      for (const request of requests.filter((r) => wanted.has(r.bookingId))) {
        if (!lost.has(request.bookingId)) decisions.push(held(request, claims));
        else if (request.seats) decisions.push(rejected(request, `seats taken meanwhile: ${request.seats.map(seatLabel).join(', ')}`));
        else undecided.push(request);
      }
    }
    return [...decisions, ...undecided.map((request) => rejected(request, 'seats were taken by concurrent bookings, please try again'))];
  }

  /** Exact-seat requests only need their own seats; best-available needs the event's whole free map. */
  private loadFreeSeats(manager: EntityManager, eventId: number, requests: BookingRequestedV1[]) {
    if (requests.some((request) => request.quantity !== undefined)) return this.repository.findAllFree(manager, eventId);
    return this.repository.findFreeAmong(manager, eventId, requests.flatMap((request) => request.seats ?? []));
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

function countByBooking(claims: SeatClaim[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const claim of claims) counts.set(claim.bookingId, (counts.get(claim.bookingId) ?? 0) + 1);
  return counts;
}

function held(request: BookingRequestedV1, claims: SeatClaim[]): BookingDecision {
  const seats = claims.filter((claim) => claim.bookingId === request.bookingId).map(({ row, col }) => ({ row, col }));
  return { bookingId: request.bookingId, status: 'HELD', seats, reason: null };
}

function rejected(request: BookingRequestedV1, reason: string): BookingDecision {
  return { bookingId: request.bookingId, status: 'REJECTED', seats: [], reason };
}
