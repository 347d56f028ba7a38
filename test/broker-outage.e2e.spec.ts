import { GatewayClient } from './support/api.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

// The gateway reaches RabbitMQ through a proxy this test owns; cutting it is the outage. The shared broker keeps
// running. Each test cuts or restores the proxy as it needs, so that any of them can run alone or in any order.
describe('gateway while RabbitMQ is unreachable', () => {
  const env = new TestEnvironment();
  let proxy: TcpProxy;
  let api: GatewayClient;

  beforeAll(async () => {
    await env.migrate();
    proxy = await new TcpProxy(5672).start();
    api = new GatewayClient((await env.start('gateway', { RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}` })).url);
  });
  afterAll(async () => {
    await proxy.cut();
    await env.destroy();
  });

  const readiness = async () => (await api.request('GET', '/health/ready')).status;

  async function brokerDown(): Promise<void> {
    await proxy.cut();
    await waitFor(async () => (await readiness()) === 503, 'readiness to notice the outage');
  }

  async function brokerBack(): Promise<void> {
    if (!proxy.open) proxy = await new TcpProxy(5672, proxy.port).start();
    await waitFor(async () => (await readiness()) === 200, 'the gateway to reconnect', 20_000);
  }

  it('should answer 503 with Retry-After and accept nothing', async () => {
    const { id: eventId } = await api.createEvent(3, 3);
    const queued = await env.commandsQueued();
    await brokerDown();

    const reply = await api.book('buyer', { eventId, quantity: 1 });
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(reply.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/nothing was booked/) });
    expect(await env.commandsQueued()).toBe(queued);
  });

  it('should accept bookings again once the broker is back', async () => {
    const { id: eventId } = await api.createEvent(3, 3);
    await brokerDown();
    await brokerBack();
    const queued = await env.commandsQueued();
    const reply = await api.book('buyer', { eventId, quantity: 1 });
    expect(reply.status).toBe(202);
    expect(await env.commandsQueued()).toBe(queued + 1);
  });
});
