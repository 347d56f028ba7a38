import { Injectable, Logger, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { BookingViewCache } from '@app/booking';
import { AppConfig } from '@app/config';
import { type BookingCommand, BookingRequestedV1, type CreateBookingRequest } from '@app/contracts';
import { BrokerUnavailableError } from '@app/messaging';
import { contextFrom, inSpan, METRIC, type RefusalReason, SpanKind, traceHeaders, tracingEnabled } from '@app/observability';
import { AvailabilityCheck } from '../availability/availability-check.js';
import type { Refusal } from '../availability/refusal.js';
import type { EventRow } from '../events/event-row.js';
import { BookingPublisher } from '../publishing/booking.publisher.js';
import { IdempotencyRepository } from './idempotency.repository.js';

export interface IntakeRequest {
  buyer: string;
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
  private readonly refusals = new Map<RefusalReason, () => void>();

  constructor(
    config: AppConfig,
    private readonly availability: AvailabilityCheck,
    private readonly publisher: BookingPublisher,
    private readonly viewCache: BookingViewCache,
    private readonly idempotency: IdempotencyRepository,
    @InjectMetric(METRIC.bookingsAccepted) private readonly acceptedCount: Counter,
    @InjectMetric(METRIC.bookingsRefused) private readonly refusedCount: Counter<'reason'>,
  ) {
    this.debug = ['debug', 'trace'].includes(config.logLevel);
  }

  /** A refusal for what cannot succeed, counted; undefined when the inventory must decide. No I/O. */
  refusalFor(event: EventRow, request: CreateBookingRequest): Refusal | undefined {
    const refused = this.availability.refusalFor(event, request);
    if (refused) this.countRefusal(refused.reason);
    return refused;
  }

  /** Publishes the booking and resolves with its id once RabbitMQ has it; 503 when it cannot take it for sure. */
  async accept(event: EventRow, request: CreateBookingRequest, intake: IntakeRequest): Promise<string> {
    const bookingId = intake.idempotencyKey === undefined ? randomUUID() : await this.bookingIdFor(request, intake.buyer, intake.idempotencyKey);
    const message = BookingRequestedV1.create({ bookingId, eventId: event.id, userId: intake.buyer, seats: request.seats, quantity: request.quantity, requestedAt: new Date().toISOString() });
    await this.publish(message, intake.requestId, intake.headers, 'nothing was booked');
    this.availability.accepted(bookingId, event, request);
    this.acceptedCount.inc();
    this.viewCache.storePending({ bookingId, eventId: event.id, userId: intake.buyer, status: 'PENDING', seats: request.seats ?? [], createdAt: message.requestedAt, updatedAt: message.requestedAt });
    if (intake.idempotencyKey !== undefined) void this.idempotency.markAccepted(intake.buyer, intake.idempotencyKey).catch(() => undefined);
    if (this.debug) this.logger.debug({ msg: 'booking accepted', requestId: intake.requestId, bookingId, eventId: event.id });
    return bookingId;
  }

  /** Publishes a command or answers 503 naming what did (not) happen; a span around it when tracing is on. */
  async publish(command: BookingCommand, requestId: string, headers: Record<string, unknown>, consequence: string): Promise<void> {
    try {
      if (!tracingEnabled()) return await this.publisher.publish(command, requestId);
      await inSpan(`publish ${command.type}`, SpanKind.PRODUCER, contextFrom(headers), (trace) => this.publisher.publish(command, requestId, traceHeaders(trace)));
    } catch (error) {
      if (error instanceof BrokerUnavailableError) throw new ServiceUnavailableException(`booking service is unavailable (${error.message}); ${consequence}, please retry`);
      throw error;
    }
  }

  /**
   * One booking per (buyer, key): the id is recorded with the key before publishing, and every retry publishes that
   * same id again — the inventory decides a booking id once — so a crash or a lost confirm can never book twice.
   */
  private async bookingIdFor(request: CreateBookingRequest, buyer: string, key: string): Promise<string> {
    const requestHash = hashRequest(request);
    const claim = await this.idempotency.claim(buyer, key, requestHash, randomUUID());
    if (claim.requestHash !== requestHash) throw new UnprocessableEntityException('Idempotency-Key was already used with a different request');
    return claim.bookingId;
  }

  private countRefusal(reason: RefusalReason): void {
    let count = this.refusals.get(reason);
    if (!count) {
      const child = this.refusedCount.labels({ reason });
      this.refusals.set(reason, (count = () => child.inc()));
    }
    count();
  }
}

function hashRequest(request: CreateBookingRequest): string {
  return createHash('sha256').update(JSON.stringify({ eventId: request.eventId, seats: request.seats?.map(({ row, col }) => [row, col]), quantity: request.quantity })).digest('hex');
}
