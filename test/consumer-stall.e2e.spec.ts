import { GatewayClient } from './support/api.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

// The inventory reaches PostgreSQL through a proxy this test cuts: its consumer holds a message it cannot decide.
describe('an inventory whose consumer stops making progress', () => {
  const env = new TestEnvironment({ CONSUMER_STALL_SECONDS: '2' });
  let proxy: TcpProxy;

  beforeAll(async () => {
    await env.migrate();
    proxy = await new TcpProxy(5432).start();
  });
  afterAll(async () => {
    await proxy.cut();
    await env.destroy();
  });

  it('should fail liveness and readiness while a message waits too long for its acknowledgement, and recover', async () => {
    const inventory = await env.start('inventory', { DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/${env.name}` });
    const api = new GatewayClient((await env.start('gateway')).url);
    const event = await api.createEvent(1, 1);
    const health = async (path: string) => (await fetch(`${inventory.url}/health/${path}`)).status;

    await proxy.cut();
    const reply = await api.book('buyer', { eventId: event.id, quantity: 1 });
    expect(reply.status).toBe(202);
    await waitFor(async () => (await health('live')) === 503, 'liveness to report the stall', 15_000);
    const ready = await (await fetch(`${inventory.url}/health/ready`)).json();
    expect(ready.details.consumer).toMatchObject({ status: 'down', message: expect.stringMatching(/no progress/) });

    proxy = await new TcpProxy(5432, proxy.port).start();
    expect(await api.waitForDecision(reply.body.bookingId, { timeoutMs: 25_000 })).toMatchObject({ status: 'CONFIRMED' });
    await waitFor(async () => (await health('live')) === 200, 'liveness to recover');
  }, 100_000);
});
