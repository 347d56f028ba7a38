import { GatewayClient } from './support/api.js';
import { TestEnvironment } from './support/test-system.js';

describe('Idempotency-Key on POST /bookings', () => {
  const env = new TestEnvironment();
  let api: GatewayClient;
  let eventId: number;

  beforeAll(async () => {
    api = await env.startSystem();
    eventId = (await api.createEvent(4, 4)).id;
  });
  afterAll(() => env.destroy());

  const book = (key: string, body: object, userId = 'alice') =>
    api.request('POST', '/bookings', { body: { eventId, ...body }, headers: { 'x-user-id': userId, 'idempotency-key': key } });
  const bookingsOfUser = async (userId: string) => (await env.sql<{ n: number }>('SELECT count(*)::int AS n FROM bookings WHERE user_id = $1', [userId]))[0].n;

  it('should answer a sequential retry with the same booking', async () => {
    const first = await book('retry-1', { seats: [{ row: 1, col: 1 }] }, 'sequential');
    const retry = await book('retry-1', { seats: [{ row: 1, col: 1 }] }, 'sequential');
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    await api.waitForDecision(first.body.bookingId);
    expect(await bookingsOfUser('sequential')).toBe(1);
  });

  it('should create one booking when retries race the first request', async () => {
    const replies = await Promise.all(Array.from({ length: 10 }, () => book('race-1', { quantity: 2 }, 'racer')));
    expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(202));
    expect(new Set(replies.map((reply) => reply.body.bookingId)).size).toBe(1);
    await api.waitForDecision(replies[0].body.bookingId);
    expect(await bookingsOfUser('racer')).toBe(1);
    expect(await env.commandsQueued()).toBe(0);
  });

  it('should refuse the same key with a different body', async () => {
    await book('changed-1', { seats: [{ row: 2, col: 1 }] }, 'changer');
    const changed = await book('changed-1', { seats: [{ row: 2, col: 2 }] }, 'changer');
    expect(changed.status).toBe(422);
    expect(changed.body.message).toMatch(/different request/);
  });

  it('should keep keys apart per user', async () => {
    const alice = await book('shared-key', { seats: [{ row: 3, col: 1 }] }, 'alice-2');
    const bob = await book('shared-key', { seats: [{ row: 3, col: 2 }] }, 'bob-2');
    expect(bob.status).toBe(202);
    expect(bob.body.bookingId).not.toBe(alice.body.bookingId);
  });
});
