import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, Options } from 'amqplib';
import { BookingRequestedV1, messageName } from '@app/contracts';
import { commandRoutingKey, type BookingTopology } from '@app/messaging';

export function bookingRequest(eventId: number, fields: Partial<BookingRequestedV1> = {}): BookingRequestedV1 {
  return BookingRequestedV1.create({ bookingId: randomUUID(), eventId, userId: 'direct', seats: [{ row: 1, col: 1 }], requestedAt: new Date().toISOString(), ...fields });
}

/** Publishes raw bytes the way the gateway would (or would not) and waits for the broker's confirm. */
export async function publishRaw(channel: ConfirmChannel, topology: BookingTopology, content: Buffer | object, options: Options.Publish & { eventId?: number } = {}): Promise<void> {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
  channel.publish(topology.requestsExchange, commandRoutingKey(BookingRequestedV1, options.eventId ?? 1), body, { persistent: true, type: messageName(BookingRequestedV1), ...options });
  await channel.waitForConfirms();
}
