import { Injectable, Logger, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { BookingViewCache } from '@app/booking';
import { AppConfig } from '@app/config';
import { type BookingCommand, BookingRequestedV1, type CreateBookingRequest } from '@app/contracts';
import { BrokerUnavailableError } from '@app/messaging';
import { type Context, contextFrom, DeferredCounter, inSpan, METRIC, NO_TRACE, SpanKind, traced, traceHeaders, tracingEnabled } from '@app/observability';
import { AvailabilityCheck } from '../availability/availability-check.js';
import type { Refusal } from '../availability/refusal.js';
import type { EventRow } from '../catalog/event-row.js';
import { BookingPublisher } from '../publishing/booking.publisher.js';
import { BookingRateLimiter } from './booking-rate-limiter.js';
import { IdempotencyRepository } from './idempotency.repository.js';

export interface IntakeRequest {
  buyer: string;
  /** The client's address (per-IP rate limit). */
  address: string;
  requestId: string;
  idempotencyKey?: string;
  /** Incoming trace headers (W3C traceparent), when the caller sent any. */
  headers: Record<string, unknown>;
}

/**
 * The booking path: what can be refused is refused from memory, the rest is published durably and accepted. The
 * accept path awaits the broker's confirm and nothing else; the pending view and the demand count follow it.
 */
@Injectable()
export class BookingIntake {
  private readonly logger = new Logger(BookingIntake.name);
  private readonly debug: boolean;
  private readonly refusals: DeferredCounter<'reason'>;

  constructor(
    config: AppConfig,
    private readonly availability: AvailabilityCheck,
    private readonly publisher: BookingPublisher,
    private readonly viewCache: BookingViewCache,
    private readonly idempotency: IdempotencyRepository,
    private readonly limiter: BookingRateLimiter,
    @InjectMetric(METRIC.bookingsAccepted) private readonly acceptedCount: Counter,
    @InjectMetric(METRIC.bookingsRefused) refused: Counter<'reason'>,
  ) {
    this.debug = ['debug', 'trace'].includes(config.logLevel);
    this.refusals = DeferredCounter.of(refused);
  }

  /** A refusal for what cannot succeed, counted; undefined when the inventory must decide. No I/O. */
  refusalFor(event: EventRow, request: CreateBookingRequest, buyer: string): Refusal | undefined {
    const refused = this.availability.refusalFor(event, request, buyer);
    if (refused) this.refusals.inc(refused.reason, () => ({ reason: refused.reason }));
    return refused;
  }

  /**
   * Publishes the booking and resolves with its id once RabbitMQ has it; 503 when it cannot take it for sure. When
   * tracing is on, this is the root span of the booking's trace (or a child of the caller's traceparent).
   */
  accept(event: EventRow, request: CreateBookingRequest, intake: IntakeRequest, bookingId: string = randomUUID(), retry = false): Promise<string | Refusal> {
    if (!tracingEnabled()) return this.acceptIn(NO_TRACE, event, request, intake, bookingId, retry);
    return inSpan('POST /bookings', SpanKind.SERVER, contextFrom(intake.headers), (trace) => this.acceptIn(trace, event, request, intake, bookingId, retry));
  }

  /**
   * With an Idempotency-Key: one booking per (buyer, key). A key already used answers its booking, publishing that same
   * booking id again (the inventory decides an id once), so a crash or a lost confirm can never book twice; a new key
   * is checked like any request, then recorded with a fresh booking id before anything is published.
   */
  async acceptOnce(event: EventRow, request: CreateBookingRequest, intake: IntakeRequest & { idempotencyKey: string }): Promise<string | Refusal> {
    const requestHash = hashRequest(request);
    const known = await this.idempotency.find(intake.buyer, intake.idempotencyKey);
    if (!known) {
      const refused = this.refusalFor(event, request, intake.buyer);
      if (refused) return refused;
    }
    const claim = known ?? (await this.idempotency.claim(intake.buyer, intake.idempotencyKey, requestHash, randomUUID()));
    if (claim.requestHash !== requestHash) throw new UnprocessableEntityException('Idempotency-Key was already used with a different request');
    return this.accept(event, request, intake, claim.bookingId, known !== undefined);
  }

  /** Publishes a command or answers 503 naming what did (not) happen. */
  async publish(command: BookingCommand, requestId: string, trace: Context, consequence: string): Promise<void> {
    try {
      await traced(`publish ${command.type}`, trace, (inner) => this.publisher.publish(command, requestId, tracingEnabled() ? traceHeaders(inner) : undefined), SpanKind.PRODUCER);
    } catch (error) {
      if (error instanceof BrokerUnavailableError) throw new ServiceUnavailableException(`booking service is unavailable (${error.message}); ${consequence}, please retry`);
      throw error;
    }
  }

  private async acceptIn(trace: Context, event: EventRow, request: CreateBookingRequest, intake: IntakeRequest, bookingId: string, retry: boolean): Promise<string | Refusal> {
    const message = BookingRequestedV1.create({ bookingId, eventId: event.id, userId: intake.buyer, seats: request.seats, quantity: request.quantity, requestedAt: new Date().toISOString() });
    // Its demand counts from now, before any await: requests checked meanwhile must see it.
    if (!retry) this.availability.accepted(bookingId, event, request, intake.buyer);
    const withdraw = () => !retry && this.availability.withdrawn(bookingId);
    try {
      const limited = await this.limiter.refusalFor(intake.buyer, intake.address);
      if (limited) {
        withdraw();
        this.refusals.inc(limited.reason, () => ({ reason: limited.reason }));
        return limited;
      }
      await this.publish(message, intake.requestId, trace, 'nothing was booked');
    } catch (error) {
      withdraw();
      throw error;
    }
    if (retry) return bookingId; // counted when it was first accepted
    this.acceptedCount.inc();
    this.viewCache.storePending({ bookingId, eventId: event.id, userId: intake.buyer, status: 'PENDING', seats: request.seats ?? [], createdAt: message.requestedAt, updatedAt: message.requestedAt });
    if (this.debug) this.logger.debug({ msg: 'booking accepted', requestId: intake.requestId, bookingId, eventId: event.id });
    return bookingId;
  }
}

function hashRequest(request: CreateBookingRequest): string {
  return createHash('sha256').update(JSON.stringify({ eventId: request.eventId, seats: request.seats?.map(({ row, col }) => [row, col]), quantity: request.quantity })).digest('hex');
}
