import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { type BookingRecord, BookingNotices, BookingViewCache, OUTCOME_STATUSES, toBookingView } from '@app/booking';
import type { Seat, SeatStatus } from '@app/contracts';
import { type CompensationKind, METRIC } from '@app/observability';
import { type Grid, SeatProjection, SeatStateReader } from '@app/seat-map';
import { OutboxRelay } from '../outbox/outbox.relay.js';

/**
 * After every commit of booking changes, brings the read side up to date at once: seat projections and booking views
 * in Redis (write-through), the change notices gateways listen to, and a nudge to the outbox relay. Best effort:
 * PostgreSQL is already right, and the reconciler repairs any Redis write lost here.
 */
@Injectable()
export class BookingProjections {
  private readonly logger = new Logger(BookingProjections.name);
  private readonly grids = new Map<number, Grid>();

  constructor(
    private readonly viewCache: BookingViewCache,
    private readonly notices: BookingNotices,
    private readonly seats: SeatProjection,
    private readonly reader: SeatStateReader,
    private readonly relay: OutboxRelay,
    @InjectMetric(METRIC.projectionLag) private readonly lag: Histogram,
    @InjectMetric(METRIC.bookingsDecided) private readonly decided: Counter<'outcome'>,
    @InjectMetric(METRIC.decisionLatency) private readonly decisionLatency: Histogram,
    @InjectMetric(METRIC.compensations) private readonly compensations: Counter<'kind'>,
  ) {}

  /** `seatStatus` is what the bookings' seats became in that commit. */
  async afterCommit(bookings: BookingRecord[], seatStatus: SeatStatus, committedAt = Date.now()): Promise<void> {
    if (bookings.length === 0) return;
    this.count(bookings, seatStatus);
    this.relay.notify();
    // Gateways hear that these bookings are decided before they hear of their seats (same connection, in order):
    // counting a held seat both as taken and as still pending would refuse buyers for nothing.
    this.notices.publish(bookings.map((b) => ({ bookingId: b.bookingId, eventId: b.eventId, userId: b.userId, status: b.status, seatCount: b.seats.length })));
    // Seats before views: a buyer who sees the new status and then reads the seat map must see the seats changed too.
    await this.projectSeats(bookings, seatStatus, committedAt);
    await this.viewCache.storeDecided(bookings.map(toBookingView));
  }

  private count(bookings: BookingRecord[], seatStatus: SeatStatus): void {
    for (const booking of bookings) {
      this.decided.inc({ outcome: booking.status });
      if (OUTCOME_STATUSES.includes(booking.status)) this.decisionLatency.observe((booking.updatedAt.getTime() - booking.createdAt.getTime()) / 1000);
      if (seatStatus === 'AVAILABLE' && booking.seats.length > 0) this.compensations.inc({ kind: 'seats_released' satisfies CompensationKind });
    }
  }

  private async projectSeats(bookings: BookingRecord[], status: SeatStatus, committedAt: number): Promise<void> {
    const byEvent = new Map<number, Seat[]>();
    for (const booking of bookings) {
      const seats = status === 'AVAILABLE' ? stillFree(booking) : booking.seats;
      if (seats.length > 0) byEvent.set(booking.eventId, [...(byEvent.get(booking.eventId) ?? []), ...seats]);
    }
    if (byEvent.size === 0) return;
    try {
      await this.loadGrids([...byEvent.keys()]);
      await Promise.all([...byEvent].map(([eventId, seats]) => this.seats.apply({ eventId, grid: this.grids.get(eventId)!, seats, status })));
      this.lag.observe((Date.now() - committedAt) / 1000);
    } catch (error) {
      this.logger.warn(`seat projection not updated (${(error as Error).message}); the reconciler will repair it`);
    }
  }

  private async loadGrids(eventIds: number[]): Promise<void> {
    const missing = eventIds.filter((id) => !this.grids.has(id));
    if (missing.length > 0) for (const [id, grid] of await this.reader.grids(missing)) this.grids.set(id, grid);
  }
}

/** The seats a released booking gave back, less those a waitlist booking took at once (that one projects them HELD). */
function stillFree(booking: BookingRecord): Seat[] {
  const passedOn = booking.seatsPassedOn;
  if (!passedOn) return booking.seats;
  return booking.seats.filter((seat) => !passedOn.some((taken) => taken.row === seat.row && taken.col === seat.col));
}
