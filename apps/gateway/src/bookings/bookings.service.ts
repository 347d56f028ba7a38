import { BadRequestException, ConflictException, ForbiddenException, Injectable, Logger, NotFoundException, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '@app/config';
import { type BookingAcceptedView, BookingCancelRequestedV1, BookingRequestedV1, type BookingView, type CreateBookingDto, type SeatDto } from '@app/contracts';
import { BrokerUnavailableError } from '@app/messaging';
import { type CacheResult, type Context, inSpan, METRIC, SpanKind, traceHeaders } from '@app/observability';
import { BookingViewCache } from '@app/redis';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { AvailabilityService } from '../availability/availability.service.js';
import { EventCatalog } from '../events/event-catalog.js';
import type { EventRow } from '../events/events.repository.js';
import { BookingPublisher } from './booking.publisher.js';
import { BookingsRepository } from './bookings.repository.js';
import { IdempotencyRepository } from './idempotency.repository.js';

/** A PENDING view older than this is checked against PostgreSQL, in case the inventory's cache write was lost. */
const PENDING_RECHECK_MS = 2000;
/** How long DELETE waits for the inventory to carry the cancellation out before answering 202 instead of 200. */
const CANCEL_WAIT_MS = 3000;
const POLL_MS = 25;
const FINAL_STATUSES = new Set(['REJECTED', 'FAILED', 'EXPIRED', 'CANCELLED']);

export interface CancelOutcome {
  booking: BookingView;
  /** False when the inventory had not finished within {@link CANCEL_WAIT_MS}; it will. */
  done: boolean;
}

@Injectable()
export class BookingsService {
  private readonly logger = new Logger(BookingsService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly catalog: EventCatalog,
    private readonly availability: AvailabilityService,
    private readonly publisher: BookingPublisher,
    private readonly viewCache: BookingViewCache,
    private readonly repository: BookingsRepository,
    private readonly idempotency: IdempotencyRepository,
    @InjectMetric(METRIC.bookingsAccepted) private readonly accepted: Counter,
    @InjectMetric(METRIC.cacheRequests) private readonly cacheRequests: Counter<'cache' | 'result'>,
  ) {}

  /**
   * Validates against the event, refuses at once what cannot succeed (409: sold out, seats known taken), publishes
   * durably and answers PENDING; the inventory decides.
   */
  async request(dto: CreateBookingDto, userId: string, requestId: string, idempotencyKey?: string, trace?: Context): Promise<BookingAcceptedView> {
    assertOneKindOfRequest(dto);
    const event = await this.catalog.get(dto.eventId);
    if (dto.seats) assertSeatsFit(dto.seats, event);
    await this.availability.assertBookable(event, dto);
    if (idempotencyKey === undefined) return this.accept(dto, userId, requestId, randomUUID(), trace);
    return this.acceptOnce(dto, userId, requestId, idempotencyKey, trace);
  }

  async find(id: string): Promise<BookingView> {
    const cached = await this.viewCache.get(id);
    if (cached && (cached.status !== 'PENDING' || Date.now() - Date.parse(cached.createdAt) < PENDING_RECHECK_MS)) {
      this.countView('hit');
      return cached;
    }
    this.countView(cached ? 'stale' : 'miss');
    const stored = await this.repository.findView(id);
    if (stored) return stored;
    if (cached) return cached;
    throw new NotFoundException(`booking ${id} not found`);
  }

  /** Asks the inventory to cancel the buyer's booking and waits briefly for the result. */
  async cancel(id: string, userId: string, requestId: string): Promise<CancelOutcome> {
    const booking = await this.find(id);
    if (booking.userId !== userId) throw new ForbiddenException('only the buyer who made this booking can cancel it');
    if (FINAL_STATUSES.has(booking.status)) throw new ConflictException(`booking is already ${booking.status}`);
    const command = BookingCancelRequestedV1.create({ bookingId: id, eventId: booking.eventId, userId, requestedAt: new Date().toISOString() });
    await this.publishOr503(command, requestId, 'the booking was not cancelled');
    const deadline = Date.now() + CANCEL_WAIT_MS;
    for (;;) {
      const current = (await this.repository.findView(id)) ?? booking;
      if (FINAL_STATUSES.has(current.status)) return { booking: current, done: true };
      if (Date.now() > deadline) return { booking: current, done: false };
      await sleep(POLL_MS);
    }
  }

  private countView(result: CacheResult): void {
    this.cacheRequests.inc({ cache: 'booking_view', result });
  }

  private async accept(dto: CreateBookingDto, userId: string, requestId: string, bookingId: string, trace?: Context): Promise<BookingAcceptedView> {
    const message = BookingRequestedV1.create({ bookingId, eventId: dto.eventId, userId, seats: dto.seats, quantity: dto.quantity, requestedAt: new Date().toISOString() });
    await this.publishOr503(message, requestId, 'nothing was booked', trace);
    this.accepted.inc();
    this.logger.debug({ msg: 'booking accepted', requestId, bookingId, eventId: dto.eventId });
    await this.viewCache.storePending(pendingView(message));
    return { bookingId, status: 'PENDING' };
  }

  /**
   * At most one booking per (user, key): the first request owns the key and publishes; a retry — even one racing
   * the first — waits for the owner's outcome and answers the same booking id. Another body under the key is a 422.
   */
  private async acceptOnce(dto: CreateBookingDto, userId: string, requestId: string, key: string, trace?: Context): Promise<BookingAcceptedView> {
    const requestHash = hashRequest(dto);
    const deadline = Date.now() + this.config.rabbitmq.publishConfirmTimeoutMs + 1000;
    for (;;) {
      const bookingId = randomUUID();
      const claim = await this.idempotency.claim(userId, key, requestHash, bookingId);
      if (claim.owner) {
        try {
          const accepted = await this.accept(dto, userId, requestId, bookingId, trace);
          await this.idempotency.markAccepted(userId, key);
          return accepted;
        } catch (error) {
          await this.idempotency.release(userId, key);
          throw error;
        }
      }
      if (claim.requestHash !== requestHash) throw new UnprocessableEntityException('Idempotency-Key was already used with a different request');
      if (claim.accepted) return { bookingId: claim.bookingId, status: 'PENDING' };
      if (Date.now() > deadline) throw new ConflictException('a request with this Idempotency-Key is still in progress; retry shortly');
      await sleep(POLL_MS);
    }
  }

  private async publishOr503(message: BookingRequestedV1 | BookingCancelRequestedV1, requestId: string, consequence: string, trace?: Context): Promise<void> {
    try {
      if (trace) await inSpan(`publish ${message.type}`, SpanKind.PRODUCER, trace, (inner) => this.publisher.publish(message, requestId, traceHeaders(inner)));
      else await this.publisher.publish(message, requestId);
    } catch (error) {
      if (error instanceof BrokerUnavailableError) throw new ServiceUnavailableException(`booking service is unavailable (${error.message}); ${consequence}, please retry`);
      throw error;
    }
  }
}

function hashRequest(dto: CreateBookingDto): string {
  return createHash('sha256').update(JSON.stringify({ eventId: dto.eventId, seats: dto.seats?.map(({ row, col }) => [row, col]), quantity: dto.quantity })).digest('hex');
}

function assertOneKindOfRequest(dto: CreateBookingDto): void {
  if ((dto.seats === undefined) === (dto.quantity === undefined)) throw new BadRequestException('give exactly one of seats or quantity');
  const seen = new Set<string>();
  dto.seats?.forEach((seat, index) => {
    const key = `${seat.row}:${seat.col}`;
    if (seen.has(key)) throw new BadRequestException(`seats.${index} repeats row ${seat.row} col ${seat.col}`);
    seen.add(key);
  });
}

function assertSeatsFit(seats: SeatDto[], event: EventRow): void {
  seats.forEach((seat, index) => {
    if (seat.row > event.rows) throw new BadRequestException(`seats.${index}.row must be at most ${event.rows} for event ${event.id}`);
    if (seat.col > event.cols) throw new BadRequestException(`seats.${index}.col must be at most ${event.cols} for event ${event.id}`);
  });
}

function pendingView(message: BookingRequestedV1): BookingView {
  return {
    bookingId: message.bookingId,
    eventId: message.eventId,
    userId: message.userId,
    status: 'PENDING',
    seats: message.seats ?? [],
    createdAt: message.requestedAt,
    updatedAt: message.requestedAt,
  };
}
