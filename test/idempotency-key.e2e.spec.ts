import { createHash } from 'node:crypto';
import { GatewayClient } from './support/api.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

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

describe('Idempotency-Key when the first attempt did not finish', () => {
  const env = new TestEnvironment();
  let api: GatewayClient;
  let eventId: number;

  beforeAll(async () => {
    api = await env.startSystem();
    eventId = (await api.createEvent(2, 2)).id;
  });
  afterAll(() => env.destroy());

  it('should answer, and publish again, the booking a gateway recorded under the key before it died', async () => {
    const body = { eventId, seats: [{ row: 1, col: 1 }] };
    // What a gateway that died between recording the key and publishing leaves behind.
    const orphan = '0b3c7d3e-1c2a-4d5e-8f90-123456789abc';
    const hash = createHash('sha256').update(JSON.stringify({ eventId, seats: [[1, 1]], quantity: undefined })).digest('hex');
    await env.sql('INSERT INTO idempotency_keys (user_id, key, request_hash, booking_id) VALUES ($1, $2, $3, $4)', ['orphaned', 'orphan-key', hash, orphan]);
    const retry = await api.request('POST', '/bookings', { body, headers: { 'x-user-id': 'orphaned', 'idempotency-key': 'orphan-key' } });
    expect(retry).toMatchObject({ status: 202, body: { bookingId: orphan } });
    expect(await api.waitForDecision(orphan)).toMatchObject({ status: 'CONFIRMED' });
  });
});

describe('Idempotency-Key across a broker outage', () => {
  const env = new TestEnvironment();
  let proxy: TcpProxy;

  beforeAll(async () => {
    await env.migrate();
    await env.start('inventory');
    proxy = await new TcpProxy(5672).start();
  });
  afterAll(async () => {
    await proxy.cut();
    await env.destroy();
  });

  it('should book once when the first attempt got 503 and the retry succeeds', async () => {
    const api = new GatewayClient((await env.start('gateway', { RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}` })).url);
    const eventId = (await api.createEvent(1, 2)).id;
    const attempt = () => api.request('POST', '/bookings', { body: { eventId, quantity: 1 }, headers: { 'x-user-id': 'unlucky', 'idempotency-key': 'outage-key' } });
    await proxy.cut();
    await waitFor(async () => (await attempt()).status === 503, 'a 503 while the broker is unreachable');
    proxy = await new TcpProxy(5672, proxy.port).start();
    let accepted = await attempt();
    await waitFor(async () => (accepted = await attempt()).status === 202, 'the retry accepted', 15_000);
    expect(await api.waitForDecision(accepted.body.bookingId)).toMatchObject({ status: 'CONFIRMED' });
    expect(await env.sql("SELECT id FROM bookings WHERE user_id = 'unlucky'")).toEqual([{ id: accepted.body.bookingId }]);
  }, 90_000);
});
