import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayClient } from './support/api.js';
import { brokenInvariants } from './support/invariants.js';
import { bookingRequest, publishRaw } from './support/messages.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

// Slow payments and small batches so that SIGKILL lands while holding, while charging and between charge and confirm.
describe('inventory killed with SIGKILL mid-saga', () => {
  const env = new TestEnvironment({
    PAYMENT_LATENCY_MS: '150',
    PAYMENT_FAILURE_RATE: '0.2',
    PAYMENT_TIMEOUT_MS: '500',
    PAYMENT_MAX_ATTEMPTS: '2',
    HOLD_TTL_SECONDS: '3',
    BOOKING_BATCH_SIZE: '10',
    RABBITMQ_PREFETCH: '20',
  });
  let api: GatewayClient;

  beforeAll(async () => {
    await env.migrate();
    api = new GatewayClient((await env.start('gateway')).url);
  });
  afterAll(() => env.destroy());

  it('should end every accepted booking in one terminal state with nobody charged twice and no seat sold twice', async () => {
    const event = await api.createEvent(10, 10);
    // Straight to the broker: 300 requests for 100 seats, more than a gateway would accept, so that the inventory
    // decides real contention while it is being killed.
    const requests = Array.from({ length: 300 }, (_, i) =>
      bookingRequest(event.id, { userId: `buyer-${i}`, ...(i % 4 === 0 ? { seats: undefined, quantity: 2 } : { seats: [{ row: (i % 10) + 1, col: ((i * 7) % 10) + 1 }] }) }),
    );
    const { channel, close } = await env.amqpChannel();
    for (const request of requests) await publishRaw(channel, env.topology, request, { eventId: event.id });
    await close();
    const accepted = requests.map((request) => request.bookingId);

    for (const killAfterMs of [250, 400, 600, 900, 1200]) {
      const inventory = await env.start('inventory');
      await sleep(killAfterMs);
      await inventory.stop('SIGKILL');
    }
    await env.start('inventory');

    await waitFor(async () => {
      const [{ open }] = await env.sql<{ open: number }>(
        `SELECT (300 - count(*) FILTER (WHERE status NOT IN ('PENDING', 'HELD')) + count(*) FILTER (WHERE refund_pending))::int AS open FROM bookings WHERE event_id = $1`,
        [event.id],
      );
      return open === 0;
    }, 'every booking terminal and every refund done', 45_000);
    expect(await brokenInvariants(env, event.id, accepted, api.baseUrl)).toEqual([]);
    const stats = await api.stats(event.id);
    expect(stats.seats.available + stats.seats.booked).toBe(100);
  }, 180_000);
});
