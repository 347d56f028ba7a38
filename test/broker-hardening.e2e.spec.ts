import { randomUUID } from 'node:crypto';
import { BookingCancelRequestedV1 } from '@app/contracts';
import { commandRoutingKey, shardQueueArguments } from '@app/booking';
import { DEATH_REASON_HEADER } from '@app/messaging';
import { GatewayClient } from './support/api.js';
import { bookingRequest, publishRaw } from './support/messages.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('hostile and broken messages at the inventory', () => {
  const env = new TestEnvironment({ RABBITMQ_PREFETCH: '50' });
  let api: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem();
  });
  afterAll(() => env.destroy());

  const deadLetters = async (count: number) => {
    await waitFor(async () => (await env.queueDepth(env.topology.deadLetterQueue)) >= count, `${count} dead letters`, 20_000);
    const { channel, close } = await env.amqpChannel();
    const reasons = new Map<string, string>();
    for (let letter = await channel.get(env.topology.deadLetterQueue, { noAck: true }); letter; letter = await channel.get(env.topology.deadLetterQueue, { noAck: true })) {
      reasons.set(letter.properties.messageId, String(letter.properties.headers?.[DEATH_REASON_HEADER]));
    }
    await close();
    return reasons;
  };

  it('should dead-letter at once, not retry for ever, a flood larger than the prefetch whose retry headers are forged', async () => {
    const event = await api.createEvent(1, 1);
    const { channel, close } = await env.amqpChannel();
    // A cancellation for an event that does not exist fails in PostgreSQL (foreign key): not a contract problem, so
    // it would be retried; its forged retry counters must not keep it from the dead-letter queue.
    for (let i = 0; i < 200; i++) {
      const cancel = BookingCancelRequestedV1.create({ bookingId: randomUUID(), eventId: 987_654, userId: 'mallory', requestedAt: new Date().toISOString() });
      channel.publish(env.topology.commandsExchange, commandRoutingKey(BookingCancelRequestedV1.name, 987_654, env.topology.shards), Buffer.from(JSON.stringify(cancel)), {
        persistent: true,
        type: BookingCancelRequestedV1.name,
        messageId: `forged-${i}`,
        headers: { 'x-death': 'x', 'x-seatgrid-attempt': 'x' },
      });
    }
    await channel.waitForConfirms();
    await close();
    const reasons = await deadLetters(200);
    expect(reasons.size).toBe(200);
    expect(reasons.get('forged-0')).toMatch(/gave up/);

    const reply = await api.book('after-the-flood', { eventId: event.id, quantity: 1 });
    expect(await api.waitForDecision(reply.body.bookingId)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('should hold a message that skipped the gateway to the gateway’s rules', async () => {
    const event = await api.createEvent(2, 2);
    const { channel, close } = await env.amqpChannel();
    const both = bookingRequest(event.id, { quantity: 1 });
    const badBuyer = bookingRequest(event.id, { userId: 'not a valid id' });
    const outside = bookingRequest(event.id, { seats: [{ row: 3, col: 1 }] });
    await publishRaw(channel, env.topology, both, { eventId: event.id, messageId: 'both' });
    await publishRaw(channel, env.topology, badBuyer, { eventId: event.id, messageId: 'bad-buyer' });
    await publishRaw(channel, env.topology, outside, { eventId: event.id, messageId: 'outside' });
    await publishRaw(channel, env.topology, Buffer.alloc(100 * 1024, 'x'), { eventId: event.id, messageId: 'oversized' });
    await close();

    const reasons = await deadLetters(3);
    expect(reasons.get('both')).toMatch(/exactly one of seats or quantity/);
    expect(reasons.get('bad-buyer')).toMatch(/userId must match/);
    expect(reasons.get('oversized')).toMatch(/exceeds the 65536-byte limit/);
    expect(await api.waitForDecision(outside.bookingId, { userId: outside.userId })).toMatchObject({ status: 'REJECTED', reason: 'outside the 2x2 grid: row 3 col 1' });
  });

  it('should consume from quorum queues, which the broker replicates and whose delivery limit it enforces', async () => {
    const { channel, close } = await env.amqpChannel();
    const asClassic = { ...shardQueueArguments(env.topology), 'x-queue-type': 'classic' };
    const declaredAsClassic = channel.assertQueue(env.topology.shardQueues[0], { durable: true, arguments: asClassic }).then(() => 'accepted', (error: Error) => error.message);
    expect(await declaredAsClassic).toMatch(/PRECONDITION_FAILED.*x-queue-type/);
    await close();
  });
});
