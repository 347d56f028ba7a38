import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { ContractViolation } from '@app/contracts';
import { DeliveryLedger } from './delivery-ledger.js';
import { DEATH_REASON_HEADER, FailureRouter, type RetryPolicy } from './failure-router.js';
import { PermanentMessageError } from './message-errors.js';

/** A channel that records what was acked and nacked, and a publisher whose confirms succeed unless told otherwise. */
function fakes({ confirms = true, throws = false } = {}) {
  const settled: string[] = [];
  const published: { exchange: string; headers: Record<string, unknown>; expiration?: unknown }[] = [];
  const channel = {
    ack: (message: ConsumeMessage, all: boolean) => settled.push(`ack ${message.fields.deliveryTag}${all ? ' and all before' : ''}`),
    nack: (message: ConsumeMessage, all: boolean, requeue: boolean) => settled.push(`nack ${message.fields.deliveryTag} requeue=${requeue}`),
  } as unknown as Channel;
  const publisher = {
    publish: (exchange: string, _key: string, _content: Buffer, options: { headers: Record<string, unknown>; expiration?: unknown }, done: (error?: Error) => void) => {
      if (throws) throw new Error('channel closed');
      published.push({ exchange, headers: options.headers, expiration: options.expiration });
      setImmediate(() => done(confirms ? undefined : new Error('nacked by the broker')));
      return true;
    },
  } as unknown as ConfirmChannel;
  return { channel, publisher, settled, published };
}

const message = (tag: number, headers: Record<string, unknown> = {}, expiration?: string) =>
  ({ fields: { deliveryTag: tag, routingKey: 'shard-0.booking.requested.v1.1' }, properties: { messageId: `m${tag}`, headers, expiration }, content: Buffer.from('{}') }) as unknown as ConsumeMessage;

const policy = (attempts: (message: ConsumeMessage) => number): RetryPolicy => ({
  delaysMs: [1000, 5000],
  retryExchange: (attempt) => `retry-${attempt}`,
  deadLetterExchange: 'dead',
  attemptsOf: attempts,
});

const settledOnce = async (route: () => Promise<void>) => {
  await route();
  await new Promise((resolve) => setImmediate(resolve)); // the ledger's coalesced ack
};

/** Settles one failed delivery whose retries so far the policy counts as `attempts`: what was published, and the dead-letter kinds reported. */
async function routeOnce(attempts: number, error: unknown) {
  const { channel, publisher, published } = fakes();
  const ledger = new DeliveryLedger(channel);
  const delivery = message(1);
  const deadLettered: string[] = [];
  await settledOnce(() => new FailureRouter(policy(() => attempts), () => publisher, (kind) => deadLettered.push(kind)).settle(channel, ledger, ledger.add(delivery), delivery, error));
  return { published, deadLettered };
}

describe(FailureRouter.name, () => {
  it('should retry a transient failure through the next delay, then ack the original', async () => {
    const { channel, publisher, settled, published } = fakes();
    const ledger = new DeliveryLedger(channel);
    const delivery = message(1, {}, 'undefined');
    await settledOnce(() => new FailureRouter(policy(() => 1), () => publisher).settle(channel, ledger, ledger.add(delivery), delivery, new Error('deadlock detected')));
    expect(published).toEqual([{ exchange: 'retry-1', headers: {}, expiration: undefined }]);
    expect(settled).toEqual(['ack 1 and all before']);
  });

  it('should send a transient failure to the delay tier of its attempt, never to the dead letters while retries remain', async () => {
    for (const attempts of [0, 1]) {
      const { published, deadLettered } = await routeOnce(attempts, new Error('timeout'));
      expect(published.map((p) => p.exchange)).toEqual([`retry-${attempts}`]);
      expect(deadLettered).toEqual([]);
    }
  });

  it('should count each dead letter by its kind and say why in its header', async () => {
    const cases = [
      { error: new PermanentMessageError('event 9 does not exist'), attempts: 0, kind: 'permanent', why: 'event 9 does not exist' },
      { error: new Error('timeout'), attempts: 2, kind: 'retries_exhausted', why: 'gave up after 3 attempts: timeout' },
      { error: new Error('timeout'), attempts: Infinity, kind: 'retries_exhausted', why: 'gave up, its retry count cannot be read: timeout' },
    ];
    for (const { error, attempts, kind, why } of cases) {
      const { published, deadLettered } = await routeOnce(attempts, error);
      expect(deadLettered).toEqual([kind]);
      expect(published).toEqual([{ exchange: 'dead', headers: { [DEATH_REASON_HEADER]: why }, expiration: undefined }]);
    }
  });

  it('should dead-letter a permanent failure with its reason, without retrying', async () => {
    for (const error of [new PermanentMessageError('event 9 does not exist'), new ContractViolation('booking.requested.v1', ['eventId must be an integer number']), new SyntaxError('Unexpected token')]) {
      const { channel, publisher, published } = fakes();
      const ledger = new DeliveryLedger(channel);
      const delivery = message(1);
      await settledOnce(() => new FailureRouter(policy(() => 0), () => publisher).settle(channel, ledger, ledger.add(delivery), delivery, error));
      expect(published).toEqual([{ exchange: 'dead', headers: { [DEATH_REASON_HEADER]: error.message }, expiration: undefined }]);
    }
  });

  it('should dead-letter when the retries are used up, or when the retry count cannot be read', async () => {
    for (const attempts of [2, Infinity, Number.NaN]) {
      const { published, deadLettered } = await routeOnce(attempts, new Error('timeout'));
      expect(published.map((p) => p.exchange)).toEqual(['dead']);
      expect(deadLettered).toEqual(['retries_exhausted']);
    }
  });

  it('should reject the message to the queue’s dead-letter exchange when its copy cannot be made, never leaving it unacked', async () => {
    for (const broken of [{ confirms: false }, { throws: true }]) {
      const { channel, publisher, settled } = fakes(broken);
      const ledger = new DeliveryLedger(channel);
      const delivery = message(7);
      await settledOnce(() => new FailureRouter(policy(() => 0), () => publisher).settle(channel, ledger, ledger.add(delivery), delivery, new Error('timeout')));
      expect(settled).toEqual(['nack 7 requeue=false']);
      expect(ledger.size).toBe(0);
    }
    const { channel, settled } = fakes();
    const ledger = new DeliveryLedger(channel);
    const delivery = message(8);
    await settledOnce(() => new FailureRouter(policy(() => 0), () => undefined).settle(channel, ledger, ledger.add(delivery), delivery, new Error('timeout')));
    expect(settled).toEqual(['nack 8 requeue=false']);
  });
});
