import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, Options } from 'amqplib';
import { type BookingTopology, commandRoutingKey } from '@app/booking';
import { BookingRequestedV1 } from '@app/contracts';

export function bookingRequest(eventId: number, fields: Partial<BookingRequestedV1> = {}): BookingRequestedV1 {
  return BookingRequestedV1.create({ bookingId: randomUUID(), eventId, userId: 'direct', seats: [{ row: 1, col: 1 }], requestedAt: new Date().toISOString(), ...fields });
}

/**
 * Publishes raw bytes the way the gateway would (or would not) and waits for the broker's confirm; `shard` sends it
 * to another shard than its event's, as a gateway with a different SHARDS setting would.
 */
export async function publishRaw(channel: ConfirmChannel, topology: BookingTopology, content: Buffer | object, options: Options.Publish & { eventId?: number; shard?: number } = {}): Promise<void> {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
  const { eventId = 1, shard, ...properties } = options;
  const routingKey = commandRoutingKey(BookingRequestedV1.name, eventId, topology.shards).replace(/^shard-\d+/, (own) => (shard === undefined ? own : `shard-${shard}`));
  channel.publish(topology.commandsExchange, routingKey, body, { persistent: true, type: BookingRequestedV1.name, ...properties });
  await channel.waitForConfirms();
}
