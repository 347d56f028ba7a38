import { Logger } from '@nestjs/common';
import type { Channel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { DeliveryLedger, OpenDelivery } from './delivery-ledger.js';
import { isPermanent, reasonOf } from './message-errors.js';

export const DEATH_REASON_HEADER = 'x-seatgrid-death-reason';
const REPUBLISH_TIMEOUT_MS = 5000;

/** Where failed messages go: delayed retries a bounded number of times, then the dead-letter exchange. */
export interface RetryPolicy {
  readonly delaysMs: readonly number[];
  /** The exchange that holds a message for `delaysMs[attempt]`, then routes it back by its routing key. */
  retryExchange(attempt: number): string;
  readonly deadLetterExchange: string;
  /** Retries the message has had, as the broker counted them; a header that cannot be read counts as exhausted. */
  attemptsOf(message: ConsumeMessage): number;
}

export type DeadLetterKind = 'permanent' | 'retries_exhausted';

/**
 * Settles failed deliveries by error class: permanent → dead-letter exchange with the reason; transient → a delayed
 * retry, until the policy's retries are used up. A copy is acknowledged only after the broker confirmed it; if the
 * copy cannot be made, the delivery is rejected without requeue, which the queue's own dead-letter exchange takes:
 * a failed message always ends settled, never unacknowledged.
 */
export class FailureRouter {
  private readonly logger = new Logger(FailureRouter.name);

  constructor(
    private readonly policy: RetryPolicy,
    private readonly publisher: () => ConfirmChannel | undefined,
    private readonly onDeadLetter: (kind: DeadLetterKind) => void = () => undefined,
  ) {}

  async settle(channel: Channel, ledger: DeliveryLedger, delivery: OpenDelivery, message: ConsumeMessage, error: unknown): Promise<void> {
    const reason = reasonOf(error);
    const attempts = isPermanent(error) ? Infinity : this.policy.attemptsOf(message);
    if (attempts < this.policy.delaysMs.length) {
      this.logger.warn(`message ${message.properties.messageId ?? '(no id)'} failed (${reason}); retry ${attempts + 1} in ${this.policy.delaysMs[attempts]} ms`);
      return this.copyThenAck(channel, ledger, delivery, message, this.policy.retryExchange(attempts), {});
    }
    const kind: DeadLetterKind = isPermanent(error) ? 'permanent' : 'retries_exhausted';
    const why = kind === 'permanent' ? reason : Number.isFinite(attempts) ? `gave up after ${attempts + 1} attempts: ${reason}` : `gave up, its retry count cannot be read: ${reason}`;
    this.logger.error(`dead-lettering message ${message.properties.messageId ?? '(no id)'}: ${why}`);
    this.onDeadLetter(kind);
    return this.copyThenAck(channel, ledger, delivery, message, this.policy.deadLetterExchange, { [DEATH_REASON_HEADER]: why.slice(0, 1000) });
  }

  private async copyThenAck(channel: Channel, ledger: DeliveryLedger, delivery: OpenDelivery, message: ConsumeMessage, exchange: string, headers: Record<string, string>): Promise<void> {
    if (await this.copy(message, exchange, headers)) return ledger.finish(delivery);
    try {
      channel.nack(message, false, false);
    } catch {
      return; // the channel is gone: the broker redelivers the message, and its delivery limit ends any loop
    }
    ledger.finish(delivery, false);
  }

  private copy(message: ConsumeMessage, exchange: string, extraHeaders: Record<string, string>): Promise<boolean> {
    const publisher = this.publisher();
    if (!publisher) return Promise.resolve(false);
    // The delay comes from the retry queue itself; an expiration carried over could cut it short or stretch it.
    const { headers, expiration: _, ...properties } = message.properties;
    const options: Options.Publish = { ...withoutNulls(properties), headers: { ...headers, ...extraHeaders }, persistent: true };
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), REPUBLISH_TIMEOUT_MS);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      try {
        publisher.publish(exchange, message.fields.routingKey, message.content, options, (error) => done(!error));
      } catch {
        done(false);
      }
    });
  }
}

/** amqplib reports absent properties as undefined; a forged one may be null, which it cannot encode. */
function withoutNulls(properties: object): Options.Publish {
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined && value !== null));
}
