import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { bookingTopology } from '@app/booking';
import { PeriodicTask } from '@app/common';
import { AppConfig } from '@app/config';
import { AmqpServer } from '@app/messaging';
import { METRIC } from '@app/observability';

const SAMPLE_EVERY_MS = 5000;

/** Samples the backlogs that alerts watch: queue depths from the broker, HELD bookings, the unsent outbox. */
@Injectable()
export class InventoryMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task = new PeriodicTask(InventoryMonitor.name, SAMPLE_EVERY_MS, () => this.sample());
  /** Queue label → the queues it sums (the shard queues count as one backlog). */
  private readonly queues: [string, string[]][];

  constructor(
    config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly server: AmqpServer,
    @InjectMetric(METRIC.messagesInFlight) private readonly inFlight: Gauge,
    @InjectMetric(METRIC.queueMessages) private readonly queueMessages: Gauge<'queue'>,
    @InjectMetric(METRIC.queueConsumers) private readonly queueConsumers: Gauge<'queue'>,
    @InjectMetric(METRIC.heldBookings) private readonly held: Gauge,
    @InjectMetric(METRIC.oldestHold) private readonly oldestHold: Gauge,
    @InjectMetric(METRIC.outboxBacklog) private readonly outboxBacklog: Gauge,
    @InjectMetric(METRIC.outboxOldest) private readonly outboxOldest: Gauge,
  ) {
    const topology = bookingTopology(config.rabbitmq.prefix, config.rabbitmq.shards);
    this.queues = [['requests', topology.shardQueues], ['retry', topology.retryQueues], ['dead', [topology.deadLetterQueue]]];
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  async sample(): Promise<void> {
    this.inFlight.set(this.server.inFlightCount);
    for (const [label, names] of this.queues) {
      const stats = await this.server.queueStats(names);
      this.queueMessages.set({ queue: label }, stats.reduce((sum, s) => sum + s.messages, 0));
      this.queueConsumers.set({ queue: label }, stats.reduce((sum, s) => sum + s.consumers, 0));
    }
    // HELD bookings have a partial index, and the outbox holds only unpublished rows: both counts stay cheap.
    const [holds]: { n: number; age: number | null }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n, extract(epoch FROM now() - min(updated_at))::float AS age FROM bookings WHERE status = 'HELD'`,
    );
    const [outbox]: { n: number; age: number | null }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float AS age FROM outbox`,
    );
    this.held.set(holds.n);
    this.oldestHold.set(holds.age ?? 0);
    this.outboxBacklog.set(outbox.n);
    this.outboxOldest.set(outbox.age ?? 0);
  }
}
