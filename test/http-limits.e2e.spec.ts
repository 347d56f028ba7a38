import { connect } from 'node:net';
import { GatewayClient } from './support/api.js';
import { TestEnvironment } from './support/test-system.js';

describe('HTTP limits of the gateway', () => {
  const env = new TestEnvironment({ HTTP_REQUEST_TIMEOUT_MS: '1000' });
  let api: GatewayClient;

  beforeAll(async () => {
    await env.migrate();
    api = new GatewayClient((await env.start('gateway')).url);
  });
  afterAll(() => env.destroy());

  it('should cut off a request whose body is still arriving after the request timeout', async () => {
    const { port } = new URL(api.baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    const closedAfterMs = await new Promise<number>((resolve) => {
      const start = Date.now();
      socket.on('close', () => resolve(Date.now() - start));
      socket.on('error', () => undefined);
      socket.write('POST /bookings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-User-Id: slow\r\nContent-Length: 100\r\n\r\n');
      const drip = setInterval(() => socket.writable && socket.write('{'), 200);
      const giveUp = setTimeout(() => socket.destroy(), 20_000);
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(giveUp);
      });
    });
    // Node checks its timeouts every second: cut within a few seconds, not after minutes of dripping.
    expect(closedAfterMs).toBeLessThan(10_000);
  });

  it('should refuse ids beyond what PostgreSQL and JSON hold exactly, and path ids that are not decimal digits', async () => {
    for (const eventId of [1e20, 9223372036854775808]) {
      const reply = await api.request('POST', '/bookings', { body: `{"eventId": ${eventId === 1e20 ? '1e20' : '9223372036854775808'}, "quantity": 1}`, headers: { 'x-user-id': 'u', 'content-type': 'application/json' } });
      expect(reply).toMatchObject({ status: 400, body: { message: expect.stringMatching(/eventId must not be greater than 9007199254740991/) } });
    }
    for (const id of ['1e3', '0x10', '9223372036854775808', '-1']) {
      expect((await api.request('GET', `/events/${id}`)).body).toMatchObject({ statusCode: 400, message: 'id must be a positive integer' });
    }
  });
});
