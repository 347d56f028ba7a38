import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { bookingTopology, commandRoutingKey, declareBookingTopology } from '@app/booking';
import { BookingCancelRequestedV1, type BookingCommand, BookingRequestedV1 } from '@app/contracts';
import { AmqpConnection, AmqpPublisher } from '@app/messaging';
import { BrokerHealth } from '@app/observability';

const NAMES = { [BookingRequestedV1.type]: BookingRequestedV1.name, [BookingCancelRequestedV1.type]: BookingCancelRequestedV1.name };

/**
 * Publishes booking commands durably: persistent, mandatory messages to their event's shard queue, resolved only
 * once RabbitMQ confirmed storing them in that queue.
 */
@Injectable()
export class BookingPublisher implements BrokerHealth, OnApplicationBootstrap, OnApplicationShutdown {
  readonly oldestDeliveryAgeMs = 0;
  private readonly connection: AmqpConnection;
  private readonly publisher: AmqpPublisher;
  private readonly topology: ReturnType<typeof bookingTopology>;

  constructor(config: AppConfig) {
    this.topology = bookingTopology(config.rabbitmq.prefix, config.rabbitmq.shards);
    this.connection = new AmqpConnection(config.rabbitmq.url, 'gateway-publisher');
    this.publisher = new AmqpPublisher(this.connection, {
      confirmTimeoutMs: config.rabbitmq.publishConfirmTimeoutMs,
      declare: (channel) => declareBookingTopology(channel, this.topology),
      mandatory: true,
    });
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

  /** Resolves once RabbitMQ has stored the command in its queue; rejects with BrokerUnavailableError otherwise. */
  publish(command: BookingCommand, requestId: string, traceHeaders?: Record<string, string>): Promise<void> {
    const name = NAMES[command.type];
    return this.publisher.publish(this.topology.commandsExchange, commandRoutingKey(name, command.eventId, this.topology.shards), command, {
      type: name,
      messageId: `${command.type}:${command.bookingId}`,
      timestamp: Date.now(),
      headers: traceHeaders ? { 'x-request-id': requestId, ...traceHeaders } : { 'x-request-id': requestId },
    });
  }
}
