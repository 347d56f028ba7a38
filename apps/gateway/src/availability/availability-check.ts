import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { BookingNotices, parseBookingNotice } from '@app/booking';
import { PeriodicTask } from '@app/common';
import type { CreateBookingRequest, Seat } from '@app/contracts';
import { DeferredCounter, METRIC } from '@app/observability';
import { parseSeatsChangedNotice, SEAT_CODE, seatCode, seatIndex, SeatProjection } from '@app/seat-map';
import type { EventRow } from '../catalog/event-row.js';
import { NoticeBus } from '../notices/notice-bus.js';
import { AvailabilityCounters } from './availability-counters.js';
import { BuyerTickets } from './buyer-tickets.js';
import { PendingDemand } from './pending-demand.js';
import { type Refusal, refusal } from './refusal.js';
import { SeatMapCache } from './seat-map.cache.js';

/** Accepted demand the inventory has not announced a decision for is forgotten after this long. */
const DEMAND_TTL_MS = 10_000;
/** Refusals that may turn into acceptances once pending demand falls through say when to come back. */
const RETRY_AFTER_SECONDS = 2;
const MAX_CACHED_REFUSALS = 10_000;

/**
 * The booking path's checks against what this gateway knows, all in memory: refuses at once a sold-out event, more
 * seats than are left, seats the seat map shows taken, seats another accepted booking is claiming, and demand that
 * already covers every seat left. Everything else goes to the inventory, which decides.
 */
@Injectable()
export class AvailabilityCheck implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly demand = new PendingDemand();
  private readonly tickets = new BuyerTickets();
  private readonly expiry = new PeriodicTask('PendingDemand', 1000, () => this.expireDemand());
  private readonly soldOut = new Map<number, Refusal>();
  private readonly checks: DeferredCounter<string>;

  constructor(
    private readonly counters: AvailabilityCounters,
    private readonly seatMaps: SeatMapCache,
    private readonly bus: NoticeBus,
    private readonly projection: SeatProjection,
    private readonly bookingNotices: BookingNotices,
    @InjectMetric(METRIC.pendingDemand) private readonly pendingGauge: Gauge,
    @InjectMetric(METRIC.filterChecks) checks: Counter,
  ) {
    this.checks = DeferredCounter.of(checks);
  }

  onModuleInit(): void {
    this.bus.on(this.projection.channel, {
      name: 'seats',
      parse: parseSeatsChangedNotice,
      handle: (notice) => {
        this.counters.applyNotice(notice);
        this.seatMaps.applyNotice(notice);
      },
    });
    this.bus.on(this.bookingNotices.channel, {
      name: 'bookings',
      parse: parseBookingNotice,
      handle: (changes) => {
        for (const change of changes) {
          if (change.status !== 'PENDING') this.demand.settle(change.bookingId);
          this.tickets.apply(change);
        }
      },
    });
  }

  onApplicationBootstrap(): void {
    this.expiry.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.expiry.stop();
  }

  /** Why the request cannot succeed, or undefined when only the inventory can tell. No I/O. */
  refusalFor(event: EventRow, request: CreateBookingRequest, buyer: string): Refusal | undefined {
    this.checks.inc('', () => ({}));
    const wanted = request.quantity ?? request.seats!.length;
    const holds = this.tickets.of(event.id, buyer) + this.demand.seatsPendingFor(event.id, buyer);
    if (holds + wanted > event.maxTicketsPerBuyer) {
      return refusal('over_cap', `over the limit of ${event.maxTicketsPerBuyer} tickets per buyer for event ${event.id}: you hold or are booking ${holds}`);
    }
    const seatRefusal = request.seats && this.seatRefusal(event, request.seats);
    if (seatRefusal) return seatRefusal;
    const available = this.counters.trustedAvailable(event.id);
    if (available === undefined) return undefined;
    if (available === 0) return this.soldOutRefusal(event.id);
    if (available < wanted) return refusal('not_enough_seats', `only ${available} seat${available === 1 ? '' : 's'} left for event ${event.id}`);
    if (this.demand.seatsPending(event.id) + wanted > available) {
      return refusal('oversubscribed', `all ${available} remaining seats of event ${event.id} are being booked by other buyers; some may come free, retry shortly`, RETRY_AFTER_SECONDS);
    }
    return undefined;
  }

  /** A booking being accepted: its seats count as demand until the inventory decides. */
  accepted(bookingId: string, event: EventRow, request: CreateBookingRequest, buyer: string): void {
    const indexes = request.seats?.map((seat) => seatIndex(event, seat));
    this.demand.add(bookingId, event.id, buyer, request.quantity ?? request.seats!.length, indexes);
  }

  /** The broker did not take it after all (503): nothing was accepted. */
  withdrawn(bookingId: string): void {
    this.demand.settle(bookingId);
  }

  private seatRefusal(event: EventRow, seats: Seat[]): Refusal | undefined {
    const snapshot = this.seatMaps.peek(event);
    let taken: Seat[] | undefined;
    let contested: Seat[] | undefined;
    for (const seat of seats) {
      const index = seatIndex(event, seat);
      if (snapshot && seatCode(snapshot.bitmap, index) !== SEAT_CODE.AVAILABLE) (taken ??= []).push(seat);
      else if (this.demand.isClaimed(event.id, index)) (contested ??= []).push(seat);
    }
    if (taken) return refusal('seat_taken', `already taken: ${taken.map(label).join(', ')}`);
    if (contested) return refusal('seat_contested', `being booked by another buyer: ${contested.map(label).join(', ')}; try other seats`, RETRY_AFTER_SECONDS);
    return undefined;
  }

  private soldOutRefusal(eventId: number): Refusal {
    let cached = this.soldOut.get(eventId);
    if (!cached) {
      if (this.soldOut.size >= MAX_CACHED_REFUSALS) this.soldOut.clear();
      this.soldOut.set(eventId, (cached = refusal('sold_out', `event ${eventId} is sold out; join the waitlist: POST /events/${eventId}/waitlist`)));
    }
    return cached;
  }

  private expireDemand(): void {
    this.demand.expireBefore(Date.now() - DEMAND_TTL_MS);
    this.pendingGauge.set(this.demand.totalSeats);
  }
}

const label = (seat: Seat) => `row ${seat.row} col ${seat.col}`;
