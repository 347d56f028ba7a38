import { GatewayClient } from './support/api.js';
import { brokenInvariants } from './support/invariants.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('herd of 2,000 bookings for 100 seats with 15% payment declines', () => {
  const env = new TestEnvironment({ PAYMENT_FAILURE_RATE: '0.15', PAYMENT_LATENCY_MS: '20' });
  let api: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem({ inventories: 2 });
  });
  afterAll(() => env.destroy());

  it('should end consistent: confirmed + available + held = total, no seat sold twice', async () => {
    const event = await api.createEvent(10, 10);
    const accepted: string[] = [];
    let refusedAtOnce = 0;
    for (let wave = 0; wave < 10; wave++) {
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const n = wave * 200 + i;
          return api.book(`fan-${n}`, n % 5 === 0 ? { eventId: event.id, quantity: 1 + (n % 3) } : { eventId: event.id, seats: [{ row: (n % 10) + 1, col: ((n * 3) % 10) + 1 }] });
        }),
      );
      accepted.push(...replies.filter((reply) => reply.status === 202).map((reply) => reply.body.bookingId));
      refusedAtOnce += replies.filter((reply) => reply.status === 409).length;
    }
    // Every request is either accepted (and decided) or refused at once as taken / sold out: none errs.
    expect(accepted.length + refusedAtOnce).toBe(2000);
    await waitFor(async () => {
      const [{ open }] = await env.sql<{ open: number }>(
        `SELECT ($2 - count(*) FILTER (WHERE status NOT IN ('PENDING', 'HELD')) + count(*) FILTER (WHERE refund_pending))::int AS open FROM bookings WHERE event_id = $1`,
        [event.id, accepted.length],
      );
      return open === 0;
    }, 'every accepted booking decided', 45_000);

    expect(await brokenInvariants(env, event.id, accepted, api.baseUrl)).toEqual([]);
    const stats = await api.stats(event.id);
    expect(stats.seats.booked + stats.seats.available + stats.seats.held).toBe(100);
    expect(stats.bookings.FAILED).toBeGreaterThan(0);
    expect(stats.bookings.CONFIRMED).toBeGreaterThan(0);
  }, 90_000);
});
