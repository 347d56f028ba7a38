import { GatewayClient } from './support/api.js';
import { bookingRequest, publishRaw } from './support/messages.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('inventory graceful shutdown', () => {
  const env = new TestEnvironment({ BOOKING_BATCH_SIZE: '5', RABBITMQ_PREFETCH: '50' });
  let api: GatewayClient;

  beforeAll(async () => {
    await env.migrate();
    api = new GatewayClient((await env.start('gateway')).url);
  });
  afterAll(() => env.destroy());

  it('should exit cleanly mid-stream and lose no booking', async () => {
    const event = await api.createEvent(20, 20);
    const messages = Array.from({ length: 400 }, (_, i) => bookingRequest(event.id, { userId: `buyer-${i}`, seats: [{ row: Math.floor(i / 20) + 1, col: (i % 20) + 1 }] }));
    const { channel, close } = await env.amqpChannel();
    for (const message of messages) await publishRaw(channel, env.topology, message, { eventId: event.id });
    await close();

    const first = await env.start('inventory');
    await waitFor(async () => (await env.sql('SELECT 1 FROM bookings LIMIT 1')).length > 0, 'the first decisions');
    expect(await first.stop('SIGTERM')).toBe(0);
    const [{ decidedBeforeStop }] = await env.sql<{ decidedBeforeStop: number }>(`SELECT count(*)::int AS "decidedBeforeStop" FROM bookings`);

    await env.start('inventory');
    await waitFor(async () => (await api.stats(event.id)).bookings.CONFIRMED === 400, 'all 400 bookings decided', 30_000);
    expect(decidedBeforeStop).toBeLessThan(400);
    expect(await api.stats(event.id)).toMatchObject({ seats: { available: 0, held: 0, booked: 400 }, bookings: { CONFIRMED: 400 } });
  }, 100_000);
});
