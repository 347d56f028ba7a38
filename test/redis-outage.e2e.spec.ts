import { Redis } from 'ioredis';
import { GatewayClient } from './support/api.js';
import { PrivateRedis } from './support/private-redis.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

// Everything here uses a redis-server of this test's own, which it stops and starts again.
describe('while Redis is down', () => {
  let redis: PrivateRedis;
  let env: TestEnvironment;
  let api: GatewayClient;
  let eventId: number;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    env = new TestEnvironment({ REDIS_URL: redis.url });
    api = await env.startSystem();
    eventId = (await api.createEvent(3, 3)).id;
    const reply = await api.book('before', { eventId, seats: [{ row: 1, col: 1 }] });
    await api.waitForDecision(reply.body.bookingId);
    await redis.stop();
  });
  afterAll(async () => {
    await env.destroy();
    await redis.stop();
  });

  it('should report ready but degraded', async () => {
    await waitFor(async () => (await api.request('GET', '/health/ready')).body.status === 'degraded', 'readiness to say degraded');
    const ready = await api.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.redis).toEqual({ status: 'down' });
  });

  it('should serve seat maps from PostgreSQL', async () => {
    const reply = await api.request('GET', `/events/${eventId}/seats`);
    expect(reply.status).toBe(200);
    expect(reply.body.seats).toEqual(['BAA', 'AAA', 'AAA']);
  });

  it('should keep taking and deciding bookings', async () => {
    const reply = await api.book('during', { eventId, seats: [{ row: 2, col: 2 }] });
    expect(reply.status).toBe(202);
    expect(await api.waitForDecision(reply.body.bookingId)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('should rebuild the projections by itself once Redis is back', async () => {
    await redis.restart();
    await waitFor(async () => (await api.request('GET', '/health/ready')).body.status === 'ok', 'readiness to recover', 15_000);
    // The inventory's reconciler rewrites the projection of an event on sale, with no read needed to trigger it.
    const client = new Redis(redis.url);
    await waitFor(async () => (await client.get(`${env.name}:event:${eventId}:avail`)) === '7', 'the projection to be rebuilt', 15_000);
    client.disconnect();
    const reply = await api.request('GET', `/events/${eventId}/seats`);
    expect(reply.body.seats).toEqual(['BAA', 'ABA', 'AAA']);
    expect(reply.headers.get('x-cache-status')).toBe('HIT');
  });
});
