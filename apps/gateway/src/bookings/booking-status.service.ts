import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { BookingViewCache, FINAL_STATUSES } from '@app/booking';
import { BookingCancelRequestedV1, type BookingView } from '@app/contracts';
import { type CacheResult, contextFrom, METRIC } from '@app/observability';
import { BookingIntake } from './booking-intake.service.js';
import { BookingsRepository } from './bookings.repository.js';

/** A PENDING view older than this is checked against PostgreSQL, in case the inventory's cache write was lost. */
const PENDING_RECHECK_MS = 2000;
/** How long DELETE waits for the inventory to carry the cancellation out before answering 202 instead of 200. */
const CANCEL_WAIT_MS = 3000;
const POLL_MS = 25;

export interface CancelOutcome {
  booking: BookingView;
  /** False when the inventory had not finished within {@link CANCEL_WAIT_MS}; it will. */
  done: boolean;
}

/** Where a booking stands (Redis first, PostgreSQL behind it), and the buyer's cancellation. */
@Injectable()
export class BookingStatusService {
  constructor(
    private readonly viewCache: BookingViewCache,
    private readonly repository: BookingsRepository,
    private readonly intake: BookingIntake,
    @InjectMetric(METRIC.cacheRequests) private readonly cacheRequests: Counter<'cache' | 'result'>,
  ) {}

  /** The booking, if it is this buyer's: another buyer's is reported missing, not shown or refused. */
  async findOwn(id: string, buyer: string): Promise<BookingView> {
    const booking = await this.find(id);
    if (booking.userId !== buyer) throw notFound(id);
    return booking;
  }

  private async find(id: string): Promise<BookingView> {
    const cached = await this.viewCache.get(id);
    if (cached && (cached.status !== 'PENDING' || Date.now() - Date.parse(cached.createdAt) < PENDING_RECHECK_MS)) {
      this.countView('hit');
      return cached;
    }
    this.countView(cached ? 'stale' : 'miss');
    const stored = await this.repository.findView(id);
    if (stored) return stored;
    if (cached) return cached;
    throw notFound(id);
  }

  /** Asks the inventory to cancel the buyer's booking and waits briefly for the result. */
  async cancel(id: string, userId: string, requestId: string, headers: Record<string, unknown>): Promise<CancelOutcome> {
    const booking = await this.findOwn(id, userId);
    if (FINAL_STATUSES.includes(booking.status)) throw new ConflictException(`booking is already ${booking.status}`);
    const command = BookingCancelRequestedV1.create({ bookingId: id, eventId: booking.eventId, userId, requestedAt: new Date().toISOString() });
    await this.intake.publish(command, requestId, contextFrom(headers), 'the booking was not cancelled');
    const deadline = Date.now() + CANCEL_WAIT_MS;
    for (;;) {
      const current = (await this.repository.findLatestView(id)) ?? booking;
      if (FINAL_STATUSES.includes(current.status)) return { booking: current, done: true };
      if (Date.now() > deadline) return { booking: current, done: false };
      await sleep(POLL_MS);
    }
  }

  private countView(result: CacheResult): void {
    this.cacheRequests.inc({ cache: 'booking_view', result });
  }
}

const notFound = (id: string) => new NotFoundException(`booking ${id} not found`);
