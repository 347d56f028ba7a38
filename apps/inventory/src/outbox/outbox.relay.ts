import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel } from 'amqplib';
import { bookingTopology } from '@app/booking';
import { AppConfig } from '@app/config';
import { AmqpConnection, AmqpPublisher } from '@app/messaging';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';

const BATCH_SIZE = 500;
const IDLE_POLL_MS = 250;
/** After a nudge, rows committed meanwhile join the same pass: a burst of commits costs a few passes, not one each. */
const GATHER_MS = 20;

/**
 * Publishes outbox rows to the events exchange with publisher confirms and deletes them. At-least-once: a crash
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
    const topology = bookingTopology(config.rabbitmq.prefix, config.rabbitmq.shards);
    this.exchange = topology.eventsExchange;
    this.connection = new AmqpConnection(config.rabbitmq.url, 'outbox-relay');
    // Announcements: whoever subscribes to the events exchange gets them, and no subscriber is fine. The relay needs
    // that exchange only; the consumer of this process declares the rest of the topology.
    const declare = (channel: Channel) => channel.assertExchange(this.exchange, 'topic', { durable: true }).then(() => undefined);
    this.publisher = new AmqpPublisher(this.connection, { confirmTimeoutMs: config.rabbitmq.publishConfirmTimeoutMs, declare, mandatory: false });
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

  /** New rows were committed: publish soon rather than at the next poll. */
  notify(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const relayed = this.publisher.brokerReady ? await this.repository.relayBatch(BATCH_SIZE, (rows) => this.publish(rows)) : 0;
        if (relayed < BATCH_SIZE) await this.idle();
      } catch (error) {
        this.logger.warn(`outbox relay pass failed: ${(error as Error).message}`);
        await sleep(1000);
      }
    }
  }

  /** Until the next poll, or a nudge plus a short gathering time. */
  private async idle(): Promise<void> {
    const nudged = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), IDLE_POLL_MS);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(true);
      };
    });
    if (nudged && this.running) await sleep(GATHER_MS);
  }

  private async publish(rows: OutboxRow[]): Promise<Set<string>> {
    const results = await Promise.allSettled(
      rows.map((row) => this.publisher.publish(this.exchange, row.routing_key, row.payload, { messageId: `outbox-${row.id}`, type: row.event_type })),
    );
    return new Set(rows.filter((_, i) => results[i].status === 'fulfilled').map((row) => row.id));
  }
}
