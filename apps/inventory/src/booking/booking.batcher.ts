import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '@app/config';
import { isTransientDatabaseError } from '@app/database';
import { METRIC } from '@app/observability';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';
import { DecisionBacklog } from '../saga/decision-backlog.js';
import { BookingDecider, type Problems, type TracedRequest } from './booking-decider.service.js';

interface Waiting {
  item: TracedRequest;
  settle: (problem: Error | undefined) => void;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Group commit: requests that arrive while a transaction runs are decided together in the next one (up to
 * BOOKING_BATCH_SIZE), so one commit (one WAL flush) serves hundreds of bookings. A transient database failure is
 * retried with backoff; any other failure is isolated, so that one bad request never fails its neighbours.
 */
@Injectable()
export class BookingBatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BookingBatcher.name);
  private readonly waiting: Waiting[] = [];
  private draining = false;
  private stopping = false;

  constructor(
    private readonly decider: BookingDecider,
    private readonly config: AppConfig,
    private readonly backlog: DecisionBacklog,
    @InjectMetric(METRIC.batchSize) private readonly batchSize: Histogram,
  ) {}

  /** Resolves once every request's decision is committed: per booking id, nothing, or why it cannot be decided. */
  async submit(items: TracedRequest[]): Promise<Problems> {
    const settled = items.map((item) => new Promise<Error | undefined>((settle) => this.waiting.push({ item, settle })));
    this.backlog.set(this.waiting.length);
    void this.drain();
    const problems = await Promise.all(settled);
    return new Map(items.map((item, i) => [item.request.bookingId, problems[i]]));
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
        const problems = await this.decide(batch.map((waiting) => waiting.item));
        for (const waiting of batch) waiting.settle(problems.get(waiting.item.request.bookingId));
        this.backlog.set(this.waiting.length);
      }
    } finally {
      this.draining = false;
    }
  }

  private async decide(batch: TracedRequest[]): Promise<Problems> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.decider.decideBatch(batch);
      } catch (error) {
        if (!isTransientDatabaseError(error) || this.stopping) return this.isolate(batch, error);
        const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
        this.logger.warn(`database unavailable (${(error as Error).message}); retrying ${batch.length} bookings in ${Math.round(delay)} ms`);
        await sleep(delay);
      }
    }
  }

  /** Decides the requests one by one, so that only the bad one fails. */
  private async isolate(batch: TracedRequest[], error: unknown): Promise<Problems> {
    if (batch.length === 1 || this.stopping) return new Map(batch.map((item) => [item.request.bookingId, error as Error]));
    this.logger.warn(`batch of ${batch.length} failed (${(error as Error).message}); deciding one by one`);
    const problems: Problems = new Map();
    for (const item of batch) for (const [id, problem] of await this.decide([item])) problems.set(id, problem);
    return problems;
  }
}
