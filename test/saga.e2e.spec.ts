import { Client } from 'pg';
import { GatewayClient, type Reply } from './support/api.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

const paymentOf = async (env: TestEnvironment, bookingId: string) =>
  (await env.sql<{ status: string; attempts: number }>('SELECT status, attempts FROM payments WHERE idempotency_key = $1', [bookingId]))[0];

/**
 * Runs `work` while the mock provider's ledger (table payments) is locked, so that no charge completes until it
 * ends, however slow the machine: a booking stays HELD exactly as long as the test needs it to.
 */
async function withChargesOnHold(env: TestEnvironment, work: () => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: env.config.database.url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE payments IN SHARE MODE');
    await work();
  } finally {
    await client.query('COMMIT').catch(() => undefined);
    await client.end();
  }
}

/** Books until the gateway accepts: it refuses until the inventory's notice tells it the seats are free again. */
async function bookOnceFree(api: GatewayClient, userId: string, body: { eventId: number; seats?: { row: number; col: number }[]; quantity?: number }): Promise<Reply> {
  let reply: Reply | undefined;
  await waitFor(async () => (reply = await api.book(userId, body)).status === 202, 'the gateway to take the released seats');
  return reply!;
}

/** Starts a whole system with these saga settings for one describe block. */
function system(settings: Record<string, string>) {
  const env = new TestEnvironment(settings);
  const context = { env, api: undefined as unknown as GatewayClient };
  beforeAll(async () => {
    context.api = await env.startSystem();
  });
  afterAll(() => env.destroy());
  return context;
}

describe('booking saga, happy path', () => {
  // A charge waits for the test rather than for a clock: no timeout while it does.
  const ctx = system({ PAYMENT_LATENCY_MS: '5', PAYMENT_TIMEOUT_MS: '30000' });

  it('should hold the seats, charge once and confirm, showing each step', async () => {
    const event = await ctx.api.createEvent(2, 2);
    let reply!: Reply;
    await withChargesOnHold(ctx.env, async () => {
      reply = await ctx.api.book('alice', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
      const held = await ctx.api.waitForDecision(reply.body.bookingId, { until: ['HELD'] });
      expect(held).toMatchObject({ status: 'HELD', seats: [{ row: 1, col: 1 }] });
      expect((await ctx.api.request('GET', `/events/${event.id}/seats`)).body.seats).toEqual(['HA', 'AA']);
    });

    expect(await ctx.api.waitForDecision(reply.body.bookingId)).toMatchObject({ status: 'CONFIRMED' });
    expect((await ctx.api.request('GET', `/events/${event.id}/seats`)).body.seats).toEqual(['BA', 'AA']);
    expect(await paymentOf(ctx.env, reply.body.bookingId)).toEqual({ status: 'CHARGED', attempts: 1 });
  });
});

describe('booking saga, payment declined', () => {
  const ctx = system({ PAYMENT_FAILURE_RATE: '1' });

  it('should fail the booking and put its seats back on sale', async () => {
    const event = await ctx.api.createEvent(1, 1);
    const first = await ctx.api.book('alice', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
    expect(await ctx.api.waitForDecision(first.body.bookingId)).toMatchObject({ status: 'FAILED', reason: 'payment declined' });
    expect((await ctx.api.stats(event.id)).seats).toEqual({ available: 1, held: 0, booked: 0 });

    // The same seat can be held again: declined for payment again, not rejected as taken.
    const second = await bookOnceFree(ctx.api, 'bob', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
    expect(await ctx.api.waitForDecision(second.body.bookingId)).toMatchObject({ status: 'FAILED', reason: 'payment declined' });
  });
});

describe('booking saga, hold expiry', () => {
  const ctx = system({ HOLD_TTL_SECONDS: '1', PAYMENT_HANG_RATE: '1', PAYMENT_TIMEOUT_MS: '30000' });

  it('should expire a hold whose payment never completes and release its seats', async () => {
    const event = await ctx.api.createEvent(1, 2);
    const reply = await ctx.api.book('alice', { eventId: event.id, quantity: 2 });
    expect(await ctx.api.waitForDecision(reply.body.bookingId)).toMatchObject({ status: 'EXPIRED', reason: 'hold expired before payment completed' });
    expect((await ctx.api.stats(event.id)).seats).toEqual({ available: 2, held: 0, booked: 0 });
    const again = await bookOnceFree(ctx.api, 'bob', { eventId: event.id, quantity: 2 });
    // Held again — and, its payment hanging too, expired a second later: either shows it got both seats.
    const rebooked = await ctx.api.waitForDecision(again.body.bookingId, { until: ['HELD', 'EXPIRED'] });
    expect(rebooked.seats).toHaveLength(2);
  });
});

describe('booking saga, payment timeouts', () => {
  // Every call answers after 150-450 ms but is given up after 100 ms: retried under the same key, then FAILED.
  const ctx = system({ PAYMENT_LATENCY_MS: '300', PAYMENT_TIMEOUT_MS: '100', PAYMENT_MAX_ATTEMPTS: '3' });

  it('should retry with the same key, fail, and refund the charge that landed late', async () => {
    const event = await ctx.api.createEvent(1, 1);
    const reply = await ctx.api.book('alice', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
    expect(await ctx.api.waitForDecision(reply.body.bookingId)).toMatchObject({ status: 'FAILED', reason: 'payment provider did not answer' });
    // The last attempt's charge lands up to 350 ms after the booking failed, and may come after the refund.
    await waitFor(async () => {
      const payment = await paymentOf(ctx.env, reply.body.bookingId);
      return payment?.status === 'REFUNDED' && payment.attempts === 3;
    }, 'the refund, with the charges of all three attempts recorded');
    expect(await paymentOf(ctx.env, reply.body.bookingId)).toEqual({ status: 'REFUNDED', attempts: 3 });
    expect((await ctx.api.stats(event.id)).seats).toEqual({ available: 1, held: 0, booked: 0 });
  });
});

describe('booking saga, cancellation', () => {
  const ctx = system({ PAYMENT_LATENCY_MS: '5' });

  it('should cancel a confirmed booking, release the seats and refund', async () => {
    const event = await ctx.api.createEvent(1, 2);
    const reply = await ctx.api.book('alice', { eventId: event.id, seats: [{ row: 1, col: 2 }] });
    await ctx.api.waitForDecision(reply.body.bookingId);

    // Another buyer is not told the booking exists.
    expect((await ctx.api.request('DELETE', `/bookings/${reply.body.bookingId}`, { headers: { 'x-user-id': 'mallory' } })).status).toBe(404);
    const cancelled = await ctx.api.request('DELETE', `/bookings/${reply.body.bookingId}`, { headers: { 'x-user-id': 'alice' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', reason: 'cancelled by the buyer' });
    expect((await ctx.api.stats(event.id)).seats).toEqual({ available: 2, held: 0, booked: 0 });
    await waitFor(async () => (await paymentOf(ctx.env, reply.body.bookingId))?.status === 'REFUNDED', 'the refund');
    expect((await ctx.api.request('DELETE', `/bookings/${reply.body.bookingId}`, { headers: { 'x-user-id': 'alice' } })).status).toBe(409);
  });
});

describe('booking saga, cancellation before confirmation', () => {
  // A charge waits for the test rather than for a clock: no timeout while it does.
  const ctx = system({ PAYMENT_LATENCY_MS: '5', PAYMENT_TIMEOUT_MS: '30000' });

  it('should cancel a held booking, and refund a charge that completes afterwards', async () => {
    const event = await ctx.api.createEvent(1, 1);
    let reply!: Reply;
    await withChargesOnHold(ctx.env, async () => {
      reply = await ctx.api.book('alice', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
      await ctx.api.waitForDecision(reply.body.bookingId, { until: ['HELD'] });
      const cancelled = await ctx.api.request('DELETE', `/bookings/${reply.body.bookingId}`, { headers: { 'x-user-id': 'alice' } });
      expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
      expect((await ctx.api.stats(event.id)).seats).toEqual({ available: 1, held: 0, booked: 0 });
    });

    // The charge that was in flight lands now; the saga must not confirm it but give the money back.
    await waitFor(async () => (await paymentOf(ctx.env, reply.body.bookingId))?.status === 'REFUNDED', 'the late charge refunded', 15_000);
    expect((await ctx.api.booking(reply.body.bookingId)).body.status).toBe('CANCELLED');
  });
});
