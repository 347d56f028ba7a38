import type { Channel, ConsumeMessage } from 'amqplib';

export interface OpenDelivery {
  readonly tag: number;
  readonly receivedAt: number;
  done: boolean;
  /** False when it was settled on its own (nacked to the dead-letter exchange): the coalesced ack must skip it. */
  ackable: boolean;
}

/**
 * The deliveries of one channel that are not settled yet, in delivery-tag order. Finished ones are acknowledged
 * together once per tick, with one `multiple` ack up to the last of the finished prefix: a batch of 500 costs one
 * frame, and no delivery is acknowledged before every earlier one on the channel is finished.
 */
export class DeliveryLedger {
  private readonly open: OpenDelivery[] = [];
  private flushScheduled = false;

  constructor(private readonly channel: Channel) {}

  get size(): number {
    return this.open.length;
  }

  add(message: ConsumeMessage): OpenDelivery {
    const delivery: OpenDelivery = { tag: message.fields.deliveryTag, receivedAt: Date.now(), done: false, ackable: true };
    this.open.push(delivery);
    return delivery;
  }

  /** Marks a delivery finished; `ack: false` when the caller settled it itself. */
  finish(delivery: OpenDelivery, ack = true): void {
    delivery.done = true;
    delivery.ackable = ack;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Milliseconds the oldest unsettled delivery has waited (0 when none): a consumer that stops making progress shows here. */
  oldestAgeMs(now = Date.now()): number {
    return this.open.length > 0 ? now - this.open[0].receivedAt : 0;
  }

  private flush(): void {
    this.flushScheduled = false;
    let lastAckable: number | undefined;
    let finished = 0;
    while (finished < this.open.length && this.open[finished].done) {
      if (this.open[finished].ackable) lastAckable = this.open[finished].tag;
      finished++;
    }
    this.open.splice(0, finished);
    if (lastAckable === undefined) return;
    try {
      this.channel.ack({ fields: { deliveryTag: lastAckable } } as ConsumeMessage, true);
    } catch {
      // The channel closed meanwhile: RabbitMQ redelivers these, and the idempotent handlers skip them.
    }
  }
}
