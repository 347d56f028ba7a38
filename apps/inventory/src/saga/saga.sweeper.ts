import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { METRIC } from '@app/observability';
import { PaymentProvider } from '@app/payment';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
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
  private readonly logger = new Logger(SagaSweeper.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;

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
    this.timer = setInterval(() => {
      this.pass ??= this.sweep().finally(() => (this.pass = undefined));
    }, SWEEP_EVERY_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }

  async sweep(): Promise<void> {
    try {
      const expired = await this.repository.expireDue(BATCH);
      this.expiries.inc(expired.length);
      await this.projections.afterCommit(expired, 'AVAILABLE');
      const { paymentTimeoutMs, paymentMaxAttempts } = this.config.saga;
      this.saga.start(await this.repository.leaseStalledPayments(BATCH, paymentLeaseSeconds(paymentTimeoutMs, paymentMaxAttempts)));
      await this.refundPending();
    } catch (error) {
      this.logger.warn(`saga sweep failed: ${(error as Error).message}`);
    }
  }

  private async refundPending(): Promise<void> {
    for (const bookingId of await this.repository.pendingRefunds(BATCH)) {
      if ((await this.provider.refund(bookingId)) === 'REFUNDED') this.compensations.inc({ kind: 'refund' });
      await this.repository.markRefunded(bookingId);
    }
  }
}
