import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import pLimit, { type LimitFunction } from 'p-limit';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '@app/config';
import { type Context, contextFrom, METRIC, type PaymentOutcome, SpanKind, traced } from '@app/observability';
import { type ChargeOutcome, PaymentProvider } from '@app/payment';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { TRANSITIONS } from '@app/booking';
import { BookingProjections } from '../projection/booking-projections.js';
import { DecisionBacklog } from './decision-backlog.js';
import { paymentBackoffMs, PaymentTimeoutError, withTimeout } from './payment-policy.js';
import { type PaymentDue, SagaRepository } from './saga.repository.js';
import { TransitionBatcher } from './transition.batcher.js';

/** The longest a payment step waits for a decision backlog to clear before it goes ahead anyway. */
const YIELD_TO_DECISIONS_MS = 2000;

const TRANSITION_OF_OUTCOME = { CHARGED: TRANSITIONS.confirm, DECLINED: TRANSITIONS.decline, TIMED_OUT: TRANSITIONS.giveUp } as const;

/**
 * The orchestrator of HELD bookings: charge (timeout, bounded concurrency, retries with backoff under the booking
 * id as idempotency key), then CONFIRMED, or FAILED with the seats released. Every step's outcome is a guarded
 * transition, so a late payment result cannot overturn an expiry or a cancellation: it gets refunded instead.
 */
@Injectable()
export class PaymentSaga implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PaymentSaga.name);
  private readonly limit: LimitFunction;
  /** Payment steps of this process: queued behind the concurrency limit, or running (with their promise). */
  private readonly queued = new Map<string, PaymentDue>();
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly provider: PaymentProvider,
    private readonly repository: SagaRepository,
    private readonly projections: BookingProjections,
    private readonly transitions: TransitionBatcher,
    private readonly backlog: DecisionBacklog,
    @InjectMetric(METRIC.payments) private readonly payments: Counter<'outcome'>,
    @InjectMetric(METRIC.paymentDuration) private readonly paymentDuration: Histogram,
  ) {
    this.limit = pLimit(config.saga.paymentConcurrency);
  }

  /** Starts the payment step of these bookings in the background (each at most once per process). */
  start(bookings: PaymentDue[]): void {
    for (const booking of bookings) {
      if (this.stopping || this.queued.has(booking.bookingId)) continue;
      this.queued.set(booking.bookingId, booking);
      void this.limit(() => this.run(booking));
    }
  }

  /**
   * Lets running payment steps finish (bounded by the shutdown deadline) and hands the queued ones back at once
   * (lease released), so that another replica takes them over without waiting for their lease to run out. Queued
   * steps are dropped from the limit's queue: they never run here.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.limit.clearQueue();
    await this.repository.releaseLeases([...this.queued.values()].filter(({ bookingId }) => !this.running.has(bookingId)));
    await Promise.allSettled([...this.running.values()]);
  }

  private run(booking: PaymentDue): Promise<void> {
    const work = this.settle(booking)
      .catch((error: Error) => this.logger.warn(`payment step of ${booking.bookingId} interrupted (${error.message}); it resumes after its lease`))
      .finally(() => {
        this.running.delete(booking.bookingId);
        this.queued.delete(booking.bookingId);
      });
    this.running.set(booking.bookingId, work);
    return work;
  }

  private async settle({ bookingId, eventId, amountCents, traceParent }: PaymentDue): Promise<void> {
    await this.backlog.clear(YIELD_TO_DECISIONS_MS);
    const trace = contextFrom(traceParent ? { traceparent: traceParent } : undefined);
    const outcome = await traced('booking payment', trace, (inner) => this.charge(bookingId, amountCents, inner));
    const transition = TRANSITION_OF_OUTCOME[outcome];
    const booking = await traced(`booking ${transition.to.toLowerCase()}`, trace, () => this.transitions.apply({ bookingId, eventId }, transition));
    const changed = booking ? [booking] : [];
    if (!booking && outcome === 'CHARGED') {
      // Expired or cancelled while we were charging: the buyer must not pay for seats they do not get.
      await this.repository.requestRefundUnlessConfirmed({ bookingId, eventId });
    }
    await this.projections.afterCommit(changed, transition.seats);
  }

  private async charge(bookingId: string, amountCents: number, trace: Context): Promise<ChargeOutcome | 'TIMED_OUT'> {
    const { paymentTimeoutMs, paymentMaxAttempts } = this.config.saga;
    for (let attempt = 1; attempt <= paymentMaxAttempts; attempt++) {
      const timer = this.paymentDuration.startTimer();
      try {
        const outcome = await traced('payment charge', trace, () => withTimeout(this.provider.charge(bookingId, amountCents), paymentTimeoutMs), SpanKind.CLIENT);
        this.record(outcome === 'CHARGED' ? 'charged' : 'declined', timer);
        return outcome;
      } catch (error) {
        this.record(error instanceof PaymentTimeoutError ? 'timeout' : 'error', timer);
        if (!(error instanceof PaymentTimeoutError) || this.stopping) throw error;
        this.logger.warn(`charge of ${bookingId} timed out (attempt ${attempt}/${paymentMaxAttempts})`);
        if (attempt < paymentMaxAttempts) await sleep(paymentBackoffMs(attempt));
      }
    }
    return 'TIMED_OUT';
  }

  private record(outcome: PaymentOutcome, timer: () => number): void {
    timer();
    this.payments.inc({ outcome });
  }
}
