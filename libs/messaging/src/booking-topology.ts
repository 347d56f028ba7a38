import type { Channel } from 'amqplib';
import { BookingRequestedV1, messageName } from '@app/contracts';

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
  };
}
export type BookingTopology = ReturnType<typeof bookingTopology>;

export function bookingRequestRoutingKey(eventId: number): string {
  return `${messageName(BookingRequestedV1)}.${eventId}`;
}

/** Declares the durable exchanges and queues (idempotent; run on every connect by publishers and consumers). */
export async function assertBookingTopology(channel: Channel, topology: BookingTopology): Promise<void> {
  await channel.assertExchange(topology.requestsExchange, 'topic', { durable: true });
  await channel.assertExchange(topology.retryExchange, 'topic', { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, 'topic', { durable: true });
  await channel.assertQueue(topology.requestsQueue, { durable: true, deadLetterExchange: topology.deadLetterExchange });
  await channel.bindQueue(topology.requestsQueue, topology.requestsExchange, `${messageName(BookingRequestedV1)}.*`);
  // Messages wait here for their per-message expiration, then dead-letter back into the requests exchange.
  await channel.assertQueue(topology.retryQueue, { durable: true, deadLetterExchange: topology.requestsExchange });
  await channel.bindQueue(topology.retryQueue, topology.retryExchange, '#');
  await channel.assertQueue(topology.deadLetterQueue, { durable: true });
  await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, '#');
}
