import { GatewayClient } from './support/api.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

// The gateway reaches RabbitMQ through a proxy this test owns; cutting it is the outage. The shared broker keeps running.
describe('gateway while RabbitMQ is unreachable', () => {
  const env = new TestEnvironment();
  let proxy: TcpProxy;
  let api: GatewayClient;
  let eventId: number;

  beforeAll(async () => {
    await env.migrate();
    proxy = await new TcpProxy(5672).start();
    api = new GatewayClient((await env.start('gateway', { RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}` })).url);
    eventId = (await api.createEvent(3, 3)).id;
  });
  afterAll(async () => {
    await proxy.cut();
    await env.destroy();
  });

  it('should answer 503 with Retry-After and accept nothing', async () => {
    await proxy.cut();
    await waitFor(async () => (await api.request('GET', '/health/ready')).status === 503, 'readiness to notice the outage');

    const reply = await api.book('buyer', { eventId, quantity: 1 });
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(reply.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/nothing was booked/) });
    expect(await env.sql('SELECT id FROM bookings')).toEqual([]);
    expect(await env.commandsQueued()).toBe(0);
  });

  it('should accept bookings again once the broker is back', async () => {
    proxy = await new TcpProxy(5672, proxy.port).start();
    await waitFor(async () => (await api.request('GET', '/health/ready')).status === 200, 'the gateway to reconnect', 20_000);
    const reply = await api.book('buyer', { eventId, quantity: 1 });
    expect(reply.status).toBe(202);
    expect(await env.commandsQueued()).toBe(1);
  });
});
