import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '@app/config';
import type { BookingRequestedV1 } from '@app/contracts';
import { isTransientDatabaseError } from '@app/database';
import { METRIC } from '@app/observability';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';
import { BookingService } from './booking.service.js';

interface Waiting {
  request: BookingRequestedV1;
  /** W3C traceparent of the message's span, kept with the booking so that its saga joins the trace. */
  traceParent?: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Group commit: requests that arrive while a transaction runs are decided together in the next one, so one commit
 * (one WAL flush) serves hundreds of bookings. A request's promise settles once its decision is committed.
 */
@Injectable()
export class BookingBatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BookingBatcher.name);
  private readonly waiting: Waiting[] = [];
  private draining = false;
  private stopping = false;

  constructor(
    private readonly service: BookingService,
    private readonly config: AppConfig,
    @InjectMetric(METRIC.batchSize) private readonly batchSize: Histogram,
  ) {}

  submit(request: BookingRequestedV1, traceParent?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, traceParent, resolve, reject });
      void this.drain();
    });
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.config.inventory.batchSize);
        this.batchSize.observe(batch.length);
        await this.decide(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private async decide(batch: Waiting[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const outcome = await this.service.decideBatch(batch.map(({ request, traceParent }) => ({ request, traceParent })));
        for (const item of batch) {
          const problem = outcome.get(item.request.bookingId);
          if (problem) item.reject(problem);
          else item.resolve();
        }
        return;
      } catch (error) {
        if (isTransientDatabaseError(error) && !this.stopping) {
          const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
          this.logger.warn(`database unavailable (${(error as Error).message}); retrying ${batch.length} bookings in ${Math.round(delay)} ms`);
          await sleep(delay);
          continue;
        }
        return this.isolate(batch, error);
      }
    }
  }

  /** One bad request must not fail its neighbours: decide them one by one so that only it is refused. */
  private async isolate(batch: Waiting[], error: unknown): Promise<void> {
    if (batch.length === 1 || this.stopping) {
      for (const item of batch) item.reject(error);
      return;
    }
    this.logger.warn(`batch of ${batch.length} failed (${(error as Error).message}); deciding one by one`);
    for (const item of batch) await this.decide([item]);
  }
}
