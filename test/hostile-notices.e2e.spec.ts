import { Redis } from 'ioredis';
import { GatewayClient } from './support/api.js';
import { metricValue } from './support/metrics.js';
import { SERVICES, TestEnvironment, waitFor } from './support/test-system.js';

// Anyone who can publish on the gateways' Redis channels: the notices are hints, never trusted as they come.
describe('hostile pub/sub notices', () => {
  const env = new TestEnvironment();
  const redis = new Redis(SERVICES.REDIS);
  let api: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem();
  });
  afterAll(async () => {
    redis.disconnect();
    await env.destroy();
  });

  const channel = (name: string) => `${env.name}:${name}`;

  it('should drop notices that are not JSON, and keep serving', async () => {
    const event = await api.createEvent(1, 2);
    for (const name of ['events:changed', 'bookings:changed', 'events:created']) await redis.publish(channel(name), 'not-json');
    await waitFor(async () => (await metricValue(api.baseUrl, 'seatgrid_notices_dropped_total')) >= 3, 'three notices dropped');
    expect((await api.book('buyer', { eventId: event.id, quantity: 1 })).status).toBe(202);
  });

  it('should not let a forged sell-out outlive the next read of the truth', async () => {
    const event = await api.createEvent(1, 2);
    const version = Number(await redis.get(`${env.name}:event:${event.id}:version`));
    // Implausible: ignored outright. Plausible: believed only until the gateway next reads Redis (every second).
    await redis.publish(channel('events:changed'), JSON.stringify({ eventId: event.id, version: version + 1e12, available: 0 }));
    expect((await api.book('after-implausible', { eventId: event.id, quantity: 1 })).status).toBe(202);
    await redis.publish(channel('events:changed'), JSON.stringify({ eventId: event.id, version: version + 2, available: 0 }));
    await waitFor(async () => (await api.book('after-plausible', { eventId: event.id, quantity: 1 })).status === 202, 'a booking accepted again', 3000);
  });
});
