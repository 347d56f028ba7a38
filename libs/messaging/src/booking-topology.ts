import type { Channel } from 'amqplib';
import { BookingCancelRequestedV1, BookingRequestedV1, messageName } from '@app/contracts';

/** Commands for the inventory, all consumed from the same shard queue so that a cancel follows its booking. */
const INVENTORY_COMMANDS = [BookingRequestedV1, BookingCancelRequestedV1];

/**
 * Exchange and queue names of the booking pipeline, all under one prefix.
 * Booking requests travel with routing key `booking.requested.v1.<eventId>`, so that requests of one event can
 * later be sent to one of N shard queues (bind shard k to its events, or use a consistent-hash exchange on the key).
 */
export function bookingTopology(prefix: string) {
  return {
    requestsExchange: `${prefix}.booking-requests`,
    requestsQueue: `${prefix}.booking-requests.shard-0`,
    retryExchange: `${prefix}.booking-requests.retry`,
    retryQueue: `${prefix}.booking-requests.retry`,
    deadLetterExchange: `${prefix}.dead-letter`,
    deadLetterQueue: `${prefix}.booking-requests.dead`,
    /** Saga events published by the outbox relay, routing key `<type>.<eventId>` (e.g. `booking.confirmed.42`). */
    eventsExchange: `${prefix}.booking-events`,
  };
}
export type BookingTopology = ReturnType<typeof bookingTopology>;

/** `<message name>.<eventId>`: the event id in the key is what shard routing will use. */
export function commandRoutingKey(contract: { type: string; version: number }, eventId: number): string {
  return `${messageName(contract)}.${eventId}`;
}

/** Declares the durable exchanges and queues (idempotent; run on every connect by publishers and consumers). */
export async function assertBookingTopology(channel: Channel, topology: BookingTopology): Promise<void> {
  await channel.assertExchange(topology.requestsExchange, 'topic', { durable: true });
  await channel.assertExchange(topology.retryExchange, 'topic', { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, 'topic', { durable: true });
  await channel.assertQueue(topology.requestsQueue, { durable: true, deadLetterExchange: topology.deadLetterExchange });
  for (const command of INVENTORY_COMMANDS) await channel.bindQueue(topology.requestsQueue, topology.requestsExchange, `${messageName(command)}.*`);
  await channel.assertExchange(topology.eventsExchange, 'topic', { durable: true });
  // Messages wait here for their per-message expiration, then dead-letter back into the requests exchange.
  await channel.assertQueue(topology.retryQueue, { durable: true, deadLetterExchange: topology.requestsExchange });
  await channel.bindQueue(topology.retryQueue, topology.retryExchange, '#');
  await channel.assertQueue(topology.deadLetterQueue, { durable: true });
  await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, '#');
}
