import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import { AmqpConnection } from './amqp-connection.js';

/** The broker could not take the message for sure (down, blocked, unroutable, or no confirm in time): 503, never 202. */
export class BrokerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

const REDECLARE_AT_MOST_EVERY_MS = 1000;

export interface PublisherOptions {
  confirmTimeoutMs: number;
  /** Declares the exchanges and queues it publishes to, on every connect (and after a message came back unroutable). */
  declare?: (channel: ConfirmChannel) => Promise<void>;
  /**
   * Commands must reach a queue: mandatory publishes resolve only once a queue has stored the message, and one no queue
   * took is refused. Announcements to whoever listens are not mandatory.
   */
  mandatory: boolean;
}

/**
 * Publishes persistent messages on a confirm channel and resolves only when RabbitMQ has stored them. Mandatory
 * ones that no queue took come back (basic.return, before their confirm) and are refused, and the topology is
 * declared again so that the next publish finds its queue.
 */
export class AmqpPublisher {
  private channel?: ConfirmChannel;
  private readonly returned = new Set<string>();
  private lastRedeclare = 0;

  constructor(connection: AmqpConnection, private readonly options: PublisherOptions) {
    connection.onConnect(async (model: ChannelModel) => {
      const channel = await model.createConfirmChannel();
      channel.on('close', () => this.channel === channel && (this.channel = undefined));
      channel.on('error', () => undefined);
      channel.on('return', (message: Message) => this.onReturn(channel, message));
      await options.declare?.(channel);
      this.channel = channel;
    });
  }

  get brokerReady(): boolean {
    return this.channel !== undefined;
  }

  /**
   * `body` is an object to serialise, or JSON already serialised. `messageId` is required: it is how a returned
   * message is told apart from the others in flight.
   */
  publish(exchange: string, routingKey: string, body: object | string, options: Options.Publish & { messageId: string }): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new BrokerUnavailableError('message broker unavailable'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BrokerUnavailableError('message broker did not confirm in time')), this.options.confirmTimeoutMs);
      const settle = (error: unknown) => {
        clearTimeout(timer);
        const unroutable = this.returned.delete(options.messageId);
        if (error) reject(new BrokerUnavailableError('message broker refused the message'));
        else if (unroutable) reject(new BrokerUnavailableError('no queue took the message'));
        else resolve();
      };
      try {
        channel.publish(exchange, routingKey, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), { persistent: true, mandatory: this.options.mandatory, contentType: 'application/json', ...options }, settle);
      } catch {
        settle(true);
      }
    });
  }

  private onReturn(channel: ConfirmChannel, message: Message): void {
    const id = message.properties.messageId as string | undefined;
    if (id) this.returned.add(id);
    if (Date.now() - this.lastRedeclare < REDECLARE_AT_MOST_EVERY_MS) return;
    this.lastRedeclare = Date.now();
    void this.options.declare?.(channel).catch(() => undefined);
  }
}
