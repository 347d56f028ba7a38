import { GatewayClient } from './support/api.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('a shard queue deleted under the running system', () => {
  const deleteShardQueues = async (env: TestEnvironment) => {
    const { channel, close } = await env.amqpChannel();
    for (const queue of env.topology.shardQueues) await channel.deleteQueue(queue);
    await close();
  };

  it('should refuse with 503 a booking no queue took (never a 202 for a lost booking), then declare the queue again', async () => {
    const env = new TestEnvironment();
    try {
      await env.migrate();
      const api = new GatewayClient((await env.start('gateway')).url);
      const event = await api.createEvent(1, 2);
      await deleteShardQueues(env);
      const refused = await api.book('first', { eventId: event.id, quantity: 1 });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.body.message).toMatch(/no queue took the message/);

      await waitFor(async () => (await api.book('second', { eventId: event.id, quantity: 1 })).status === 202, 'the publisher to declare the queues again', 5000);
      await env.start('inventory');
      await waitFor(async () => (await env.sql("SELECT 1 FROM bookings WHERE user_id = 'second' AND status = 'CONFIRMED'")).length > 0, 'the booking decided');
      expect(await env.sql("SELECT 1 FROM bookings WHERE user_id = 'first'")).toEqual([]);
    } finally {
      await env.destroy();
    }
  }, 90_000);

  it('should have the inventory declare its queues again and resume consuming when the broker cancels its consumer', async () => {
    const env = new TestEnvironment();
    try {
      const api = await env.startSystem();
      const event = await api.createEvent(1, 2);
      await deleteShardQueues(env);
      await waitFor(async () => (await env.queueDepth(...env.topology.shardQueues).catch(() => -1)) === 0, 'the queues declared again', 5000);
      const reply = await waitForAccepted(api, event.id);
      expect(await api.waitForDecision(reply)).toMatchObject({ status: 'CONFIRMED' });
    } finally {
      await env.destroy();
    }
  }, 90_000);
});

async function waitForAccepted(api: GatewayClient, eventId: number): Promise<string> {
  let bookingId = '';
  await waitFor(async () => {
    const reply = await api.book('buyer', { eventId, quantity: 1 });
    bookingId = reply.body.bookingId;
    return reply.status === 202;
  }, 'a booking accepted', 5000);
  return bookingId;
}
