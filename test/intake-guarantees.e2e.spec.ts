import { GatewayClient } from './support/api.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('booking intake guarantees', () => {
  // The gateway reaches PostgreSQL, Redis and RabbitMQ through proxies this test cuts; the shared services keep running.
  it('should refuse what it knows cannot succeed with every dependency cut off (no I/O on the refusal path)', async () => {
    const env = new TestEnvironment();
    const proxies = await Promise.all([5432, 6379, 5672].map((port) => new TcpProxy(port).start()));
    try {
      await env.migrate();
      await env.start('inventory');
      const [postgres, redis, rabbitmq] = proxies.map((proxy) => proxy.port);
      const gateway = await env.start('gateway', {
        DATABASE_URL: `postgres://postgres@127.0.0.1:${postgres}/${env.name}`,
        REDIS_URL: `redis://127.0.0.1:${redis}`,
        RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${rabbitmq}`,
      });
      const api = new GatewayClient(gateway.url);
      const event = await api.createEvent(1, 2);
      const first = await api.book('first', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
      await api.waitForDecision(first.body.bookingId);
      await waitFor(async () => (await api.request('GET', `/events/${event.id}`)).body.available === 1, 'the gateway to see one seat left');

      await Promise.all(proxies.map((proxy) => proxy.cut()));
      const taken = await api.book('second', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
      expect(taken).toMatchObject({ status: 409, body: { message: 'already taken: row 1 col 1' } });
      const tooMany = await api.book('third', { eventId: event.id, quantity: 2 });
      expect(tooMany).toMatchObject({ status: 409, body: { message: `only 1 seat left for event ${event.id}` } });
    } finally {
      await Promise.all(proxies.map((proxy) => proxy.cut()));
      await env.destroy();
    }
  }, 90_000);

  it('should answer 202 only for bookings the broker has stored: all are decided after the gateway is killed', async () => {
    const env = new TestEnvironment();
    try {
      await env.migrate();
      const gateway = await env.start('gateway');
      const api = new GatewayClient(gateway.url);
      const event = await api.createEvent(5, 10);
      const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => api.book(`buyer-${i}`, { eventId: event.id, seats: [{ row: Math.floor(i / 10) + 1, col: (i % 10) + 1 }] })));
      expect(replies.map((reply) => reply.status)).toEqual(Array(50).fill(202));
      await gateway.stop('SIGKILL');

      expect(await env.commandsQueued()).toBe(50);
      await env.start('inventory');
      await waitFor(async () => (await env.sql("SELECT 1 FROM bookings WHERE status = 'CONFIRMED'")).length === 50, 'all 50 bookings confirmed', 20_000);
    } finally {
      await env.destroy();
    }
  }, 90_000);
});
