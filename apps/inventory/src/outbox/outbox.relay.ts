import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '@app/config';
import { AmqpConnection, AmqpPublisher, assertBookingTopology, bookingTopology } from '@app/messaging';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';

const BATCH_SIZE = 200;
const IDLE_POLL_MS = 250;
const RETENTION_MS = 24 * 3600_000;
const CLEANUP_EVERY_MS = 60_000;

/**
 * Publishes outbox rows to the events exchange with publisher confirms and marks them sent. At-least-once: a crash
 * between confirm and commit publishes a row again with the same messageId (`outbox-<id>`), which consumers dedupe.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly connection: AmqpConnection;
  private readonly publisher: AmqpPublisher;
  private readonly exchange: string;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly repository: OutboxRepository, config: AppConfig) {
    const topology = bookingTopology(config.rabbitmq.prefix);
    this.exchange = topology.eventsExchange;
    this.connection = new AmqpConnection(config.rabbitmq.url, 'outbox-relay');
    this.publisher = new AmqpPublisher(this.connection, config.rabbitmq.publishConfirmTimeoutMs, (channel) => assertBookingTopology(channel, topology));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connection.start();
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.connection.close();
  }

  /** New rows were committed: publish now rather than at the next poll. */
  notify(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    let lastCleanup = 0;
    while (this.running) {
      try {
        const relayed = this.publisher.brokerReady ? await this.repository.relayBatch(BATCH_SIZE, (rows) => this.publish(rows)) : 0;
        if (Date.now() - lastCleanup > CLEANUP_EVERY_MS) {
          await this.repository.deleteSentBefore(new Date(Date.now() - RETENTION_MS));
          lastCleanup = Date.now();
        }
        if (relayed < BATCH_SIZE) await this.idle();
      } catch (error) {
        this.logger.warn(`outbox relay pass failed: ${(error as Error).message}`);
        await sleep(1000);
      }
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), IDLE_POLL_MS);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async publish(rows: OutboxRow[]): Promise<Set<string>> {
    const results = await Promise.allSettled(
      rows.map((row) => this.publisher.publish(this.exchange, row.routing_key, row.payload, { messageId: `outbox-${row.id}`, type: row.event_type })),
    );
    return new Set(rows.filter((_, i) => results[i].status === 'fulfilled').map((row) => row.id));
  }
}
