import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { AmqpServer } from '@app/messaging';
import { METRIC } from '@app/observability';
import { PeriodicTask } from '../common/periodic-task.js';

const SAMPLE_EVERY_MS = 5000;

/** Samples the backlogs that alerts watch: queue depths from the broker, HELD bookings, the unsent outbox. */
@Injectable()
export class InventoryMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task = new PeriodicTask(InventoryMonitor.name, SAMPLE_EVERY_MS, () => this.sample());

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly server: AmqpServer,
    @InjectMetric(METRIC.messagesInFlight) private readonly inFlight: Gauge,
    @InjectMetric(METRIC.queueMessages) private readonly queueMessages: Gauge<'queue'>,
    @InjectMetric(METRIC.queueConsumers) private readonly queueConsumers: Gauge<'queue'>,
    @InjectMetric(METRIC.heldBookings) private readonly held: Gauge,
    @InjectMetric(METRIC.oldestHold) private readonly oldestHold: Gauge,
    @InjectMetric(METRIC.outboxBacklog) private readonly outboxBacklog: Gauge,
    @InjectMetric(METRIC.outboxOldest) private readonly outboxOldest: Gauge,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  async sample(): Promise<void> {
    this.inFlight.set(this.server.inFlightCount);
    for (const { queue, messages, consumers } of await this.server.queueStats()) {
      this.queueMessages.set({ queue }, messages);
      this.queueConsumers.set({ queue }, consumers);
    }
    // Both counts use partial indexes (HELD bookings, unsent outbox rows), so they stay cheap.
    const [holds]: { n: number; age: number | null }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n, extract(epoch FROM now() - min(updated_at))::float AS age FROM bookings WHERE status = 'HELD'`,
    );
    const [outbox]: { n: number; age: number | null }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float AS age FROM outbox WHERE sent_at IS NULL`,
    );
    this.held.set(holds.n);
    this.oldestHold.set(holds.age ?? 0);
    this.outboxBacklog.set(outbox.n);
    this.outboxOldest.set(outbox.age ?? 0);
  }
}
