import type { Channel, ConsumeMessage } from 'amqplib';
import type { RetryPolicy } from '@app/messaging';

/** Delays of the bounded retries of a transiently failing command; after the last one it is dead-lettered. */
export const RETRY_DELAYS_MS = [1000, 5000, 30_000] as const;
/** Deliveries of one command before the broker itself dead-letters it (a message that keeps crashing its consumer). */
const DELIVERY_LIMIT = 20;

/**
 * Exchanges and queues of the booking pipeline, all under one prefix. Commands for the inventory (booking requests,
 * cancellations) are routed by a stable hash of their event id to one of `shards` quorum queues, so that every
 * message about one event is decided by one consumer at a time, in order.
 */
export function bookingTopology(prefix: string, shards: number) {
  const retryQueues = RETRY_DELAYS_MS.map((ms) => `${prefix}.booking-commands.retry-${ms}ms`);
  return {
    shards,
    commandsExchange: `${prefix}.booking-commands`,
    shardQueues: Array.from({ length: shards }, (_, shard) => `${prefix}.booking-commands.shard-${shard}`),
    /** One fanout exchange and queue per delay: a message waits there for the queue's TTL, then goes back by its routing key. */
    retryExchanges: retryQueues,
    retryQueues,
    deadLetterExchange: `${prefix}.dead-letter`,
    deadLetterQueue: `${prefix}.booking-commands.dead`,
    /** Saga events published by the outbox relay, routing key `<type>.<eventId>` (e.g. `booking.confirmed.42`). */
    eventsExchange: `${prefix}.booking-events`,
  };
}
export type BookingTopology = ReturnType<typeof bookingTopology>;

/** The shard of an event: FNV-1a of its decimal id, so that consecutive ids spread over all shards. */
export function shardOf(eventId: number, shards: number): number {
  let hash = 0x811c9dc5;
  for (const char of String(eventId)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return (hash >>> 0) % shards;
}

/** `shard-<k>.<message name>.<eventId>`: shard queue k takes `shard-<k>.#`. */
export function commandRoutingKey(messageName: string, eventId: number, shards: number): string {
  return `shard-${shardOf(eventId, shards)}.${messageName}.${eventId}`;
}

const QUORUM = { 'x-queue-type': 'quorum' };

/**
 * A shard queue is a quorum queue (replicated in a RabbitMQ cluster), consumed by one consumer at a time (single
 * active consumer), and the broker itself dead-letters a message delivered DELIVERY_LIMIT times (one that keeps
 * crashing its consumer) — at least once, so a dead letter is never dropped on the way.
 */
export function shardQueueArguments(topology: BookingTopology): Record<string, unknown> {
  return {
    ...QUORUM,
    'x-single-active-consumer': true,
    'x-delivery-limit': DELIVERY_LIMIT,
    'x-dead-letter-exchange': topology.deadLetterExchange,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/** Declares every exchange and queue (idempotent; run on every connect by publishers and consumers). */
export async function declareBookingTopology(channel: Channel, topology: BookingTopology): Promise<void> {
  await channel.assertExchange(topology.commandsExchange, 'topic', { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertExchange(topology.eventsExchange, 'topic', { durable: true });
  await channel.assertQueue(topology.deadLetterQueue, { durable: true, arguments: QUORUM });
  await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, '');
  for (const [shard, queue] of topology.shardQueues.entries()) {
    await channel.assertQueue(queue, { durable: true, arguments: shardQueueArguments(topology) });
    await channel.bindQueue(queue, topology.commandsExchange, `shard-${shard}.#`);
  }
  for (const [i, queue] of topology.retryQueues.entries()) {
    await channel.assertExchange(topology.retryExchanges[i], 'fanout', { durable: true });
    await channel.assertQueue(queue, {
      durable: true,
      arguments: { ...QUORUM, 'x-message-ttl': RETRY_DELAYS_MS[i], 'x-dead-letter-exchange': topology.commandsExchange, 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' },
    });
    await channel.bindQueue(queue, topology.retryExchanges[i], '');
  }
}

/** Retries counted by the broker: each expiry in a retry queue adds to that queue's `x-death` count. */
export function bookingRetryPolicy(topology: BookingTopology): RetryPolicy {
  return {
    delaysMs: RETRY_DELAYS_MS,
    retryExchange: (attempt) => topology.retryExchanges[attempt],
    deadLetterExchange: topology.deadLetterExchange,
    attemptsOf: (message) => retriesOf(message, topology.retryQueues),
  };
}

/** Sum of the broker's expiry counts in the retry queues; anything unreadable counts as retries used up. */
export function retriesOf(message: ConsumeMessage, retryQueues: readonly string[]): number {
  const deaths: unknown = message.properties.headers?.['x-death'];
  if (deaths === undefined) return 0;
  if (!Array.isArray(deaths)) return Infinity;
  let retries = 0;
  for (const death of deaths as Record<string, unknown>[]) {
    if (!retryQueues.includes(String(death?.queue))) continue;
    const count = Number(death.count);
    if (!Number.isSafeInteger(count) || count < 0) return Infinity;
    retries += count;
  }
  return retries;
}
