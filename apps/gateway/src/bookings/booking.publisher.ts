import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { type BookingCancelRequestedV1, type BookingRequestedV1, messageName } from '@app/contracts';
import { AmqpConnection, AmqpPublisher, assertBookingTopology, commandRoutingKey, bookingTopology } from '@app/messaging';
import { BrokerHealth } from '@app/observability';

/** Publishes booking requests durably: persistent messages, durable queue, and a publisher confirm before 202. */
@Injectable()
export class BookingPublisher implements BrokerHealth, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly connection: AmqpConnection;
  private readonly publisher: AmqpPublisher;
  private readonly topology: ReturnType<typeof bookingTopology>;

  constructor(config: AppConfig) {
    this.topology = bookingTopology(config.rabbitmq.prefix);
    this.connection = new AmqpConnection(config.rabbitmq.url, 'gateway-publisher');
    this.publisher = new AmqpPublisher(this.connection, config.rabbitmq.publishConfirmTimeoutMs, (channel) => assertBookingTopology(channel, this.topology));
  }

  get brokerReady(): boolean {
    return this.connection.connected && this.publisher.brokerReady;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connection.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }

  /** Resolves once RabbitMQ has stored the command; rejects with BrokerUnavailableError otherwise. */
  publish(message: BookingRequestedV1 | BookingCancelRequestedV1, requestId: string, traceHeaders: Record<string, string> = {}): Promise<void> {
    return this.publisher.publish(this.topology.requestsExchange, commandRoutingKey(message, message.eventId), message, {
      type: messageName(message),
      messageId: `${message.type}:${message.bookingId}`,
      timestamp: Date.now(),
      headers: { 'x-request-id': requestId, ...traceHeaders },
    });
  }
}
