import { Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { METRIC } from '@app/observability';
import { PaymentProvider } from '@app/payment';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicTask } from '@app/common';
import { BookingProjections } from '../projection/booking-projections.js';
import { PaymentSaga } from './payment.saga.js';
import { paymentLeaseSeconds } from './payment-policy.js';
import { SagaRepository } from './saga.repository.js';

const SWEEP_EVERY_MS = 500;
const BATCH = 200;

/**
 * The saga's clock, on every inventory replica: expires holds past their deadline, resumes payment steps whose
 * owner died (lease ran out), and carries out pending refunds. Each pass is idempotent and replica-safe.
 */
@Injectable()
export class SagaSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task = new PeriodicTask(SagaSweeper.name, SWEEP_EVERY_MS, () => this.sweep());

  constructor(
    private readonly config: AppConfig,
    private readonly repository: SagaRepository,
    private readonly saga: PaymentSaga,
    private readonly provider: PaymentProvider,
    private readonly projections: BookingProjections,
    @InjectMetric(METRIC.holdExpiries) private readonly expiries: Counter,
    @InjectMetric(METRIC.compensations) private readonly compensations: Counter<'kind'>,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  async sweep(): Promise<void> {
    const expired = await this.repository.expireDue(BATCH);
    this.expiries.inc(expired.length);
    await this.projections.afterCommit(expired, 'AVAILABLE');
    const { paymentTimeoutMs, paymentMaxAttempts } = this.config.saga;
    this.saga.start(await this.repository.leaseStalledPayments(BATCH, paymentLeaseSeconds(paymentTimeoutMs, paymentMaxAttempts)));
    await this.refundPending();
  }

  private async refundPending(): Promise<void> {
    for (const booking of await this.repository.pendingRefunds(BATCH)) {
      if ((await this.provider.refund(booking.bookingId)) === 'REFUNDED') this.compensations.inc({ kind: 'refund' });
      await this.repository.markRefunded(booking);
    }
  }
}
