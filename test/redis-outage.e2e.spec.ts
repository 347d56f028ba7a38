import { Redis } from 'ioredis';
import { GatewayClient, type Reply } from './support/api.js';
import { PrivateRedis } from './support/private-redis.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

// Everything here uses a redis-server of this test's own, which it stops and starts again. Each test brings Redis
// into the state it needs, so that any of them can run alone or in any order.
describe('while Redis is down', () => {
  let redis: PrivateRedis;
  let env: TestEnvironment;
  let api: GatewayClient;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    env = new TestEnvironment({ REDIS_URL: redis.url });
    api = await env.startSystem();
  });
  afterAll(async () => {
    await env.destroy();
    await redis.stop();
  });

  const readiness = async () => (await api.request('GET', '/health/ready')).body.status;

  async function redisDown(): Promise<void> {
    await redis.stop();
    await waitFor(async () => (await readiness()) === 'degraded', 'readiness to say degraded');
  }

  async function redisUp(): Promise<void> {
    if (!redis.running) await redis.restart();
    await waitFor(async () => (await readiness()) === 'ok', 'readiness to recover');
  }

  /** A 3×3 event whose seat 1-1 was sold while Redis was up; Redis is down when it returns. */
  async function eventSoldFromBeforeTheOutage(): Promise<number> {
    await redisUp();
    const eventId = (await api.createEvent(3, 3)).id;
    const reply = await api.book('before', { eventId, seats: [{ row: 1, col: 1 }] });
    await api.waitForDecision(reply.body.bookingId, { timeoutMs: 10_000 });
    await redisDown();
    return eventId;
  }

  async function bookDuringTheOutage(eventId: number): Promise<void> {
    const reply = await api.book('during', { eventId, seats: [{ row: 2, col: 2 }] });
    expect(reply.status).toBe(202);
    expect(await api.waitForDecision(reply.body.bookingId, { timeoutMs: 10_000 })).toMatchObject({ status: 'CONFIRMED' });
  }

  it('should report ready but degraded', async () => {
    await redisDown();
    const ready = await api.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.redis).toEqual({ status: 'down' });
  });

  it('should serve seat maps from PostgreSQL, with the seats sold during the outage', async () => {
    const eventId = await eventSoldFromBeforeTheOutage();
    await bookDuringTheOutage(eventId);
    // No notice can tell the gateway of that sale: its copy, once older than its short local lifetime, is read again.
    let reply: Reply | undefined;
    await waitFor(async () => (reply = await api.request('GET', `/events/${eventId}/seats`)).body.seats?.[1] === 'ABA', 'the seat map to show the seat sold during the outage');
    expect(reply!.status).toBe(200);
    expect(reply!.body.seats).toEqual(['BAA', 'ABA', 'AAA']);
    expect(reply!.headers.get('x-cache-status')).toBe('MISS');
  });

  it('should keep taking and deciding bookings', async () => {
    const eventId = await eventSoldFromBeforeTheOutage();
    await bookDuringTheOutage(eventId);
  });

  it('should rebuild the projections by itself once Redis is back', async () => {
    const eventId = await eventSoldFromBeforeTheOutage();
    await bookDuringTheOutage(eventId);
    await redisUp();
    // The inventory's reconciler rewrites the projection of an event on sale, with no read needed to trigger it.
    const client = new Redis(redis.url);
    try {
      await waitFor(async () => (await client.get(`${env.name}:event:${eventId}:avail`)) === '7', 'the projection to be rebuilt');
    } finally {
      client.disconnect();
    }
    const reply = await api.request('GET', `/events/${eventId}/seats`);
    expect(reply.body.seats).toEqual(['BAA', 'ABA', 'AAA']);
    expect(reply.headers.get('x-cache-status')).toBe('HIT');
    // Its waits add up to a minute: a slow step must fail with its own message, not with Jest's timeout.
  }, 90_000);
});
