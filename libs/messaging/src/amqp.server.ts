import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import { AmqpConnection } from './amqp-connection.js';
import { AmqpContext } from './amqp.context.js';
import { assertBookingTopology, type BookingTopology } from './booking-topology.js';
import { isPermanent } from './message-errors.js';

export interface AmqpServerOptions {
  url: string;
  topology: BookingTopology;
  /** The message names (AMQP `type` property) this service must handle, each with exactly one handler. */
  handles: string[];
  prefetch: number;
  /** Delays of the bounded retries for transient failures; after the last one the message is dead-lettered. */
  retryDelaysMs?: number[];
  /** Told of every message sent to the dead-letter queue (metrics). */
  onDeadLetter?: (reason: 'permanent' | 'retries_exhausted') => void;
}

export interface QueueStats {
  queue: 'requests' | 'retry' | 'dead';
  messages: number;
  consumers: number;
}

export const DEATH_REASON_HEADER = 'x-seatgrid-death-reason';
const ATTEMPT_HEADER = 'x-seatgrid-attempt';

/**
 * Nest transport strategy over RabbitMQ: routes each delivery by its `type` property to its one `@EventPattern`
 * handler and acknowledges it after the handler resolves. Permanent failures are dead-lettered with the reason,
 * transient ones are retried through a delay queue a bounded number of times — never requeued in a loop.
 */
export class AmqpServer extends Server implements CustomTransportStrategy {
  private readonly connection: AmqpConnection;
  private readonly inFlight = new Set<Promise<void>>();
  private consumer?: { channel: Channel; tag: string };
  private publisher?: ConfirmChannel;
  private model?: ChannelModel;
  private closing = false;

  constructor(private readonly options: AmqpServerOptions) {
    super();
    this.connection = new AmqpConnection(options.url, 'consumer');
    this.connection.onConnect((model) => this.setUpChannels(model));
  }

  /** Connected and consuming (readiness). */
  get brokerReady(): boolean {
    return this.connection.connected && this.consumer !== undefined;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.assertOneHandlerPerMessage();
      await this.connection.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops taking deliveries, lets the in-flight ones finish (ack or dead-letter), then disconnects. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.consumer) await this.consumer.channel.cancel(this.consumer.tag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    await this.connection.close();
  }

  /** Deliveries being handled and not yet acknowledged. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Ready messages and consumers of the booking queues, as the broker reports them (consumer lag). */
  async queueStats(): Promise<QueueStats[]> {
    if (!this.model) return [];
    const channel = await this.model.createChannel();
    channel.on('error', () => undefined); // a missing queue closes this probe channel only
    try {
      const { requestsQueue, retryQueue, deadLetterQueue } = this.options.topology;
      const names = { requests: requestsQueue, retry: retryQueue, dead: deadLetterQueue } as const;
      const stats: QueueStats[] = [];
      for (const [queue, name] of Object.entries(names) as [QueueStats['queue'], string][]) {
        const { messageCount, consumerCount } = await channel.checkQueue(name);
        stats.push({ queue, messages: messageCount, consumers: consumerCount });
      }
      return stats;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  on(): never {
    throw new Error('AmqpServer has no events to listen to');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  private assertOneHandlerPerMessage(): void {
    const registered = [...this.messageHandlers.keys()];
    const missing = this.options.handles.filter((name) => !this.messageHandlers.has(name));
    const unexpected = registered.filter((name) => !this.options.handles.includes(name));
    const duplicated = registered.filter((name) => this.messageHandlers.get(name)?.next);
    if (missing.length || unexpected.length || duplicated.length) {
      throw new Error(`message handlers do not match: missing [${missing}], unexpected [${unexpected}], more than one [${duplicated}]`);
    }
  }

  private async setUpChannels(model: ChannelModel): Promise<void> {
    this.model = model;
    const publisher = await model.createConfirmChannel();
    publisher.on('error', () => undefined);
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    await assertBookingTopology(channel, this.options.topology);
    await channel.prefetch(this.options.prefetch);
    this.publisher = publisher;
    if (this.closing) return;
    const { consumerTag } = await channel.consume(this.options.topology.requestsQueue, (message) => message && this.track(this.handle(channel, message)), { noAck: false });
    this.consumer = { channel, tag: consumerTag };
    channel.on('close', () => this.consumer?.channel === channel && (this.consumer = undefined));
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    try {
      const handler = this.getHandlerByPattern(message.properties.type ?? '');
      if (!handler) return await this.deadLetter(channel, message, `no handler for message type "${message.properties.type}"`);
      const payload: unknown = JSON.parse(message.content.toString('utf8'));
      await lastValueFrom(this.transformToObservable(await handler(payload, new AmqpContext([message]))), { defaultValue: undefined });
      this.ack(channel, message);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.closing && !isPermanent(error)) return; // left unacked: the broker hands it to the next consumer
      if (isPermanent(error)) await this.deadLetter(channel, message, reason);
      else await this.retryLater(channel, message, reason);
    }
  }

  private async retryLater(channel: Channel, message: ConsumeMessage, reason: string): Promise<void> {
    const delays = this.options.retryDelaysMs ?? [1000, 5000, 30_000];
    const attempt = Number(message.properties.headers?.[ATTEMPT_HEADER] ?? 0);
    if (attempt >= delays.length) return this.deadLetter(channel, message, `gave up after ${attempt + 1} attempts: ${reason}`, 'retries_exhausted');
    this.logger.warn?.(`message ${message.properties.messageId} failed (${reason}); retry ${attempt + 1} in ${delays[attempt]} ms`);
    await this.republish(channel, message, this.options.topology.retryExchange, { expiration: String(delays[attempt]), headers: { [ATTEMPT_HEADER]: attempt + 1 } });
  }

  private async deadLetter(channel: Channel, message: ConsumeMessage, reason: string, kind: 'permanent' | 'retries_exhausted' = 'permanent'): Promise<void> {
    this.logger.error(`dead-lettering message ${message.properties.messageId ?? '(no id)'}: ${reason}`);
    this.options.onDeadLetter?.(kind);
    await this.republish(channel, message, this.options.topology.deadLetterExchange, { headers: { [DEATH_REASON_HEADER]: reason.slice(0, 1000) } });
  }

  /** Copies the message elsewhere, waits for the broker's confirm, then acks the original: it is never lost. */
  private async republish(channel: Channel, message: ConsumeMessage, exchange: string, extra: Options.Publish): Promise<void> {
    const publisher = this.publisher;
    if (!publisher) return; // no ack either: the broker redelivers it after reconnecting
    const { headers, ...properties } = message.properties;
    const options: Options.Publish = { ...properties, ...extra, headers: { ...headers, ...extra.headers }, persistent: true };
    const confirmed = await new Promise<boolean>((resolve) => {
      try {
        publisher.publish(exchange, message.fields.routingKey, message.content, options, (error) => resolve(!error));
      } catch {
        resolve(false);
      }
    });
    if (confirmed) this.ack(channel, message);
  }

  private ack(channel: Channel, message: ConsumeMessage): void {
    try {
      channel.ack(message);
    } catch {
      // The channel closed meanwhile; RabbitMQ redelivers the message and the idempotent handler skips it.
    }
  }
}
