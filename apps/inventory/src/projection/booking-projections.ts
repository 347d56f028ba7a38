import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { SeatStateReader, type SeatStatus } from '@app/database';
import { type CompensationKind, METRIC } from '@app/observability';
import { BookingViewCache, type Grid, SeatProjection } from '@app/redis';
import { type StoredBooking, toView } from '../booking/stored-booking.js';
import { OutboxRelay } from '../outbox/outbox.relay.js';

/** The outcomes that end a booking's wait: acceptance → one of these is the decision latency. */
const DECIDED = new Set(['CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED']);

/**
 * After every commit of booking changes, brings the read side up to date at once: booking views and seat
 * projections in Redis (write-through), and a nudge to the outbox relay. Best effort: PostgreSQL is already
 * right, and the reconciler repairs any Redis write lost here.
 */
@Injectable()
export class BookingProjections {
  private readonly logger = new Logger(BookingProjections.name);
  private readonly grids = new Map<number, Grid>();

  constructor(
    private readonly viewCache: BookingViewCache,
    private readonly seats: SeatProjection,
    private readonly reader: SeatStateReader,
    private readonly relay: OutboxRelay,
    @InjectMetric(METRIC.projectionLag) private readonly lag: Histogram,
    @InjectMetric(METRIC.bookingsDecided) private readonly decided: Counter<'outcome'>,
    @InjectMetric(METRIC.decisionLatency) private readonly decisionLatency: Histogram,
    @InjectMetric(METRIC.compensations) private readonly compensations: Counter<'kind'>,
  ) {}

  /** `seatStatus` is what the bookings' seats became in that commit. */
  async afterCommit(bookings: StoredBooking[], seatStatus: SeatStatus, committedAt = Date.now()): Promise<void> {
    if (bookings.length === 0) return;
    this.count(bookings, seatStatus);
    this.relay.notify();
    // Seats first: a buyer who sees the new status and then reads the seat map must see the seats changed too.
    await this.projectSeats(bookings, seatStatus, committedAt);
    await this.viewCache.storeDecided(bookings.map(toView));
  }

  private count(bookings: StoredBooking[], seatStatus: SeatStatus): void {
    for (const booking of bookings) {
      this.decided.inc({ outcome: booking.status });
      if (DECIDED.has(booking.status)) this.decisionLatency.observe((booking.updatedAt.getTime() - booking.createdAt.getTime()) / 1000);
      if (seatStatus === 'AVAILABLE' && booking.seats.length > 0) this.compensations.inc({ kind: 'seats_released' satisfies CompensationKind });
    }
  }

  private async projectSeats(bookings: StoredBooking[], status: SeatStatus, committedAt: number): Promise<void> {
    const byEvent = new Map<number, StoredBooking['seats']>();
    for (const booking of bookings) if (booking.seats.length > 0) byEvent.set(booking.eventId, [...(byEvent.get(booking.eventId) ?? []), ...booking.seats]);
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
