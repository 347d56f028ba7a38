import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import { BatchWindow } from '@app/common';
import { AmqpConnection } from './amqp-connection.js';
import { AmqpContext, type BatchOutcome, type Delivery } from './amqp.context.js';
import { DeliveryLedger, type OpenDelivery } from './delivery-ledger.js';
import { type DeadLetterKind, FailureRouter, type RetryPolicy } from './failure-router.js';
import { isPermanent, PermanentMessageError } from './message-errors.js';

export interface AmqpServerOptions {
  url: string;
  /** Declares what the server consumes and publishes to; run on every connect and after the broker cancels a consumer. */
  declare(channel: Channel): Promise<void>;
  /** Queues consumed from the start ({@link AmqpServer.consume} and {@link AmqpServer.cancel} change the set). */
  queues: readonly string[];
  /** The message names (AMQP `type` property) this service must handle, each with exactly one handler. */
  handles: readonly string[];
  /** Unacknowledged deliveries per consumer (per queue). */
  prefetch: number;
  /** Most deliveries handed to a batch handler at once. */
  maxBatch: number;
  /** Larger messages are dead-lettered unread. */
  maxMessageBytes: number;
  retry: RetryPolicy;
  onDeadLetter?: (kind: DeadLetterKind) => void;
}

interface Queued {
  handler: MessageHandler;
  delivery: Delivery;
  opened: OpenDelivery;
  channel: Channel;
  ledger: DeliveryLedger;
}

const RESUBSCRIBE_DELAY_MS = 1000;

/**
 * Nest transport strategy over RabbitMQ: routes each delivery by its `type` property to its one `@EventPattern`
 * handler — batch handlers get every delivery of a tick at once — and acknowledges after the handler resolves, one
 * `multiple` ack per tick. Failures are settled by {@link FailureRouter}; a consumer the broker cancels (its queue was
 * deleted) is declared and subscribed again.
 */
export class AmqpServer extends Server implements CustomTransportStrategy {
  private readonly connection: AmqpConnection;
  private readonly failures: FailureRouter;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly wanted: Set<string>;
  private readonly consumerTags = new Map<string, string>();
  private readonly batches: BatchWindow<Queued>;
  private channel?: Channel;
  private ledger?: DeliveryLedger;
  private publisher?: ConfirmChannel;
  private model?: ChannelModel;
  private closing = false;

  constructor(private readonly options: AmqpServerOptions) {
    super();
    this.wanted = new Set(options.queues);
    this.connection = new AmqpConnection(options.url, 'consumer');
    this.connection.onConnect((model) => this.setUp(model));
    this.failures = new FailureRouter(options.retry, () => this.publisher, options.onDeadLetter);
    this.batches = new BatchWindow(options.maxBatch, (_, queued) => this.track(this.handleBatch(queued)));
  }

  /** Connected and consuming every queue it should (readiness). */
  get brokerReady(): boolean {
    return this.connection.connected && [...this.wanted].every((queue) => this.consumerTags.has(queue));
  }

  /** Milliseconds the oldest unacknowledged delivery has waited: a consumer that stopped making progress shows here. */
  get oldestDeliveryAgeMs(): number {
    return this.ledger?.oldestAgeMs() ?? 0;
  }

  get inFlightCount(): number {
    return this.ledger?.size ?? 0;
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

  /** Starts consuming a queue (now, or once connected). */
  async consume(queue: string): Promise<void> {
    if (this.closing) return;
    this.wanted.add(queue);
    if (this.channel && !this.consumerTags.has(queue)) await this.subscribe(this.channel, queue);
  }

  /** Stops taking deliveries from a queue; the ones being handled still finish. */
  async cancel(queue: string): Promise<void> {
    this.wanted.delete(queue);
    const tag = this.consumerTags.get(queue);
    this.consumerTags.delete(queue);
    if (tag && this.channel) await this.channel.cancel(tag).catch(() => undefined);
  }

  /** Stops taking deliveries, lets the in-flight ones finish (ack or dead-letter), then disconnects. */
  async close(): Promise<void> {
    this.closing = true;
    for (const queue of [...this.consumerTags.keys()]) await this.cancel(queue);
    await Promise.allSettled([...this.inFlight]);
    await new Promise((resolve) => setImmediate(resolve)); // the last coalesced ack
    await this.connection.close();
  }

  /** Ready messages and consumers of queues, as the broker reports them; a queue that is missing is left out. */
  async queueStats(queues: readonly string[]): Promise<{ queue: string; messages: number; consumers: number }[]> {
    if (!this.model) return [];
    const stats = [];
    let probe: Channel | undefined;
    try {
      for (const queue of queues) {
        probe ??= await this.openProbe();
        const found = await probe.checkQueue(queue).catch(() => undefined);
        if (found) stats.push({ queue, messages: found.messageCount, consumers: found.consumerCount });
        else probe = undefined; // a missing queue closed the probe channel: the next queue gets a new one
      }
    } finally {
      await probe?.close().catch(() => undefined);
    }
    return stats;
  }

  /** A channel for checkQueue alone, so that a missing queue closes it and not the consumers' channel. */
  private async openProbe(): Promise<Channel> {
    const probe = await this.model!.createChannel();
    probe.on('error', () => undefined);
    return probe;
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

  private async setUp(model: ChannelModel): Promise<void> {
    this.model = model;
    const publisher = await model.createConfirmChannel();
    publisher.on('error', () => undefined);
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.consumerTags.clear();
    });
    await this.options.declare(channel);
    await channel.prefetch(this.options.prefetch);
    this.publisher = publisher;
    this.ledger = new DeliveryLedger(channel);
    this.channel = channel;
    if (this.closing) return;
    for (const queue of this.wanted) await this.subscribe(channel, queue);
  }

  private async subscribe(channel: Channel, queue: string): Promise<void> {
    const ledger = this.ledger!;
    const { consumerTag } = await channel.consume(queue, (message) => (message ? this.receive(channel, ledger, message) : this.cancelledByBroker(queue)), { noAck: false });
    this.consumerTags.set(queue, consumerTag);
  }

  /** The broker cancelled the consumer (queue deleted): declare the topology again and resubscribe. */
  private cancelledByBroker(queue: string): void {
    this.consumerTags.delete(queue);
    this.logger.warn?.(`RabbitMQ cancelled the consumer of ${queue}; declaring it again`);
    const retry = async () => {
      const channel = this.channel;
      if (this.closing || !this.wanted.has(queue) || this.consumerTags.has(queue) || !channel) return;
      try {
        await this.options.declare(channel);
        await this.subscribe(channel, queue);
      } catch {
        setTimeout(() => void retry(), RESUBSCRIBE_DELAY_MS).unref();
      }
    };
    setTimeout(() => void retry(), RESUBSCRIBE_DELAY_MS / 10).unref();
  }

  private receive(channel: Channel, ledger: DeliveryLedger, message: ConsumeMessage): void {
    const opened = ledger.add(message);
    try {
      if (message.content.length > this.options.maxMessageBytes) throw new PermanentMessageError(`message of ${message.content.length} bytes exceeds the ${this.options.maxMessageBytes}-byte limit`);
      const type = message.properties.type ?? '';
      const handler = this.messageHandlers.get(type);
      if (!handler) throw new PermanentMessageError(`no handler for message type "${type}"`);
      const payload: unknown = JSON.parse(message.content.toString('utf8'));
      if (handler.extras?.batch) this.batches.add(type, { handler, delivery: { payload, message }, opened, channel, ledger });
      else this.track(this.handleOne(handler, payload, message, opened, channel, ledger));
    } catch (error) {
      this.track(this.failures.settle(channel, ledger, opened, message, error));
    }
  }

  private async handleBatch(queued: Queued[]): Promise<void> {
    const deliveries = queued.map((q) => q.delivery);
    let outcome: BatchOutcome;
    try {
      outcome = (await this.invoke(queued[0].handler, deliveries, deliveries.map((d) => d.message))) as BatchOutcome;
    } catch (error) {
      outcome = deliveries.map(() => error as Error);
    }
    await Promise.all(queued.map((q, i) => this.settle(outcome[i], q.delivery.message, q.opened, q.channel, q.ledger)));
  }

  private async handleOne(handler: MessageHandler, payload: unknown, message: ConsumeMessage, opened: OpenDelivery, channel: Channel, ledger: DeliveryLedger): Promise<void> {
    let error: Error | undefined;
    try {
      await this.invoke(handler, payload, [message]);
    } catch (caught) {
      error = caught as Error;
    }
    await this.settle(error, message, opened, channel, ledger);
  }

  private async settle(error: Error | undefined, message: ConsumeMessage, opened: OpenDelivery, channel: Channel, ledger: DeliveryLedger): Promise<void> {
    if (!error) return ledger.finish(opened);
    // Closing: a transient failure stays unacknowledged, and the broker hands it to the next consumer.
    if (this.closing && !isPermanent(error)) return;
    await this.failures.settle(channel, ledger, opened, message, error);
  }

  private async invoke(handler: MessageHandler, data: unknown, messages: ConsumeMessage[]): Promise<unknown> {
    return lastValueFrom(this.transformToObservable(await handler(data, new AmqpContext([messages]))), { defaultValue: undefined });
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
