import { GatewayClient } from './support/api.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { SERVICES, TestEnvironment, waitFor } from './support/test-system.js';

// The inventory reaches PostgreSQL through a proxy this test cuts; the shared server keeps running.
describe('inventory while PostgreSQL is unreachable', () => {
  const env = new TestEnvironment();
  let proxy: TcpProxy;
  let api: GatewayClient;
  let inventoryUrl: string;

  beforeAll(async () => {
    await env.migrate();
    proxy = await new TcpProxy(5432).start();
    inventoryUrl = (await env.start('inventory', { DATABASE_URL: `${SERVICES.PG.replace('5432', String(proxy.port))}/${env.name}` })).url;
    api = new GatewayClient((await env.start('gateway')).url);
  });
  afterAll(async () => {
    await proxy.cut();
    await env.destroy();
  });

  it('should keep the bookings accepted meanwhile and decide them when the database returns', async () => {
    const event = await api.createEvent(2, 5);
    await proxy.cut();
    await waitFor(async () => (await fetch(`${inventoryUrl}/health/ready`)).status === 503, 'inventory readiness to fail');
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => api.book(`buyer-${i}`, { eventId: event.id, seats: [{ row: Math.floor(i / 5) + 1, col: (i % 5) + 1 }] })));
    expect(replies.every((reply) => reply.status === 202)).toBe(true);

    proxy = await new TcpProxy(5432, proxy.port).start();
    const decisions = await Promise.all(replies.map((reply) => api.waitForDecision(reply.body.bookingId, { timeoutMs: 30_000 })));
    expect(decisions.every((decision) => decision.status === 'CONFIRMED')).toBe(true);
    expect((await fetch(`${inventoryUrl}/health/ready`)).status).toBe(200);
  });
});
