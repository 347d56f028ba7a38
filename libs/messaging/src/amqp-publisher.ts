import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { AmqpConnection } from './amqp-connection.js';

/** The broker could not take the message for sure (down, blocked, or no confirm in time): answer 503, never 202. */
export class BrokerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

/** Publishes persistent messages on a confirm channel and resolves only when RabbitMQ has confirmed storing them. */
export class AmqpPublisher {
  private channel?: ConfirmChannel;

  constructor(connection: AmqpConnection, private readonly confirmTimeoutMs: number, setup?: (channel: ConfirmChannel) => Promise<void>) {
    connection.onConnect(async (model: ChannelModel) => {
      const channel = await model.createConfirmChannel();
      channel.on('close', () => this.channel === channel && (this.channel = undefined));
      channel.on('error', () => undefined);
      await setup?.(channel);
      this.channel = channel;
    });
  }

  get brokerReady(): boolean {
    return this.channel !== undefined;
  }

  publish(exchange: string, routingKey: string, body: object, options: Options.Publish = {}): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new BrokerUnavailableError('message broker unavailable'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BrokerUnavailableError('message broker did not confirm in time')), this.confirmTimeoutMs);
      const settle = (error: unknown) => {
        clearTimeout(timer);
        if (error) reject(new BrokerUnavailableError('message broker refused the message'));
        else resolve();
      };
      try {
        channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), { persistent: true, contentType: 'application/json', ...options }, settle);
      } catch {
        settle(true);
      }
    });
  }
}
