import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { type CompensationKind, type DeadLetterReason, METRIC, type PaymentOutcome, REFUSAL_REASONS } from './metrics.js';

const SAMPLE_EVERY_MS = 5000;

const DEAD_LETTERS: DeadLetterReason[] = ['permanent', 'retries_exhausted'];
const PAYMENTS: PaymentOutcome[] = ['charged', 'declined', 'timeout', 'error'];
const COMPENSATIONS: CompensationKind[] = ['seats_released', 'refund'];

/**
 * Samples what no request touches (the PostgreSQL pool of this process), and exports every labelled counter at 0
 * from the start, so that `increase()` in alerts sees the first event after a restart.
 */
@Injectable()
export class RuntimeMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetric(METRIC.dbPool) private readonly pool: Gauge<'state'>,
    @InjectMetric(METRIC.bookingsRefused) private readonly refused: Counter<'reason'>,
    @InjectMetric(METRIC.deadLettered) private readonly deadLettered: Counter<'reason'>,
    @InjectMetric(METRIC.payments) private readonly payments: Counter<'outcome'>,
    @InjectMetric(METRIC.compensations) private readonly compensations: Counter<'kind'>,
  ) {}

  onApplicationBootstrap(): void {
    for (const reason of REFUSAL_REASONS) this.refused.inc({ reason }, 0);
    for (const reason of DEAD_LETTERS) this.deadLettered.inc({ reason }, 0);
    for (const outcome of PAYMENTS) this.payments.inc({ outcome }, 0);
    for (const kind of COMPENSATIONS) this.compensations.inc({ kind }, 0);
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    // TypeORM's postgres driver keeps its pg.Pool as `master`.
    const pool = (this.dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
    if (!pool) return;
    this.pool.set({ state: 'total' }, pool.totalCount);
    this.pool.set({ state: 'idle' }, pool.idleCount);
    this.pool.set({ state: 'waiting' }, pool.waitingCount);
  }
}
