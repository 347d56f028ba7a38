import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';
import { SeatStateReader, type SeatStatus } from '@app/database';
import { METRIC } from '@app/observability';
import { BookingViewCache, type Grid, SeatProjection } from '@app/redis';
import { type StoredBooking, toView } from '../booking/stored-booking.js';
import { OutboxRelay } from '../outbox/outbox.relay.js';

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
  ) {}

  /** `seatStatus` is what the bookings' seats became in that commit. */
  async afterCommit(bookings: StoredBooking[], seatStatus: SeatStatus, committedAt = Date.now()): Promise<void> {
    if (bookings.length === 0) return;
    this.relay.notify();
    // Seats first: a buyer who sees the new status and then reads the seat map must see the seats changed too.
    await this.projectSeats(bookings, seatStatus, committedAt);
    await this.viewCache.storeDecided(bookings.map(toView));
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
