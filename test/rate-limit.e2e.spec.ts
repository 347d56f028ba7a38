import { GatewayClient } from './support/api.js';
import { PrivateRedis } from './support/private-redis.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('rate limits on POST /bookings', () => {
  it('should share a buyer’s limit across two gateways and answer 429 with Retry-After', async () => {
    const env = new TestEnvironment({ RATE_LIMIT_PER_BUYER: '3', RATE_LIMIT_WINDOW_SECONDS: '30' });
    try {
      await env.migrate();
      await env.start('inventory');
      const [one, two] = [new GatewayClient((await env.start('gateway')).url), new GatewayClient((await env.start('gateway')).url)];
      const event = await one.createEvent(5, 10);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await (i % 2 ? two : one).book('eager', { eventId: event.id, seats: [{ row: 1, col: i + 1 }] })).status);
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
      const limited = await two.book('eager', { eventId: event.id, seats: [{ row: 2, col: 1 }] });
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited.body.message).toMatch(/at most 3 bookings per 30 s per buyer/);
      expect((await one.book('patient', { eventId: event.id, seats: [{ row: 3, col: 1 }] })).status).toBe(202);
    } finally {
      await env.destroy();
    }
  }, 90_000);

  it('should limit client addresses when configured, telling them apart by trusted X-Forwarded-For', async () => {
    const env = new TestEnvironment({ RATE_LIMIT_PER_IP: '2', TRUSTED_PROXY_HOPS: '1' });
    try {
      const api = await env.startSystem();
      const event = await api.createEvent(5, 10);
      const from = (address: string, buyer: string, col: number) =>
        api.request('POST', '/bookings', { body: { eventId: event.id, seats: [{ row: 1, col }] }, headers: { 'x-user-id': buyer, 'x-forwarded-for': address } });
      expect([(await from('203.0.113.7', 'a', 1)).status, (await from('203.0.113.7', 'b', 2)).status, (await from('203.0.113.7', 'c', 3)).status]).toEqual([202, 202, 429]);
      expect((await from('198.51.100.9', 'd', 4)).status).toBe(202);
    } finally {
      await env.destroy();
    }
  });

  it('should fail open while Redis is down: bookings keep flowing and readiness says degraded', async () => {
    const redis = await PrivateRedis.start();
    const env = new TestEnvironment({ REDIS_URL: redis.url, RATE_LIMIT_PER_BUYER: '1' });
    try {
      const api = await env.startSystem();
      const event = await api.createEvent(2, 2);
      await redis.stop();
      await waitFor(async () => (await api.request('GET', '/health/ready')).body.status === 'degraded', 'readiness to say degraded');
      expect((await api.book('unlimited', { eventId: event.id, seats: [{ row: 1, col: 1 }] })).status).toBe(202);
      expect((await api.book('unlimited', { eventId: event.id, seats: [{ row: 1, col: 2 }] })).status).toBe(202);
    } finally {
      await env.destroy();
      await redis.stop();
    }
  });
});
