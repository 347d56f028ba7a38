import { GatewayClient } from './support/api.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

// Every payment is declined after a while: accepted bookings hold their seats, fail, and the seats come back.
describe('pending demand at the gateway', () => {
  const env = new TestEnvironment({ PAYMENT_FAILURE_RATE: '1', PAYMENT_LATENCY_MS: '1500' });
  let api: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem();
  });
  afterAll(() => env.destroy());

  const concurrently = (count: number, body: (i: number) => object) => Promise.all(Array.from({ length: count }, (_, i) => api.book(`buyer-${i}`, body(i) as never)));

  it('should accept no more demand than there are seats left, and accept again once pending bookings fall through', async () => {
    const event = await api.createEvent(1, 2);
    const replies = await concurrently(20, () => ({ eventId: event.id, quantity: 1 }));
    const accepted = replies.filter((reply) => reply.status === 202);
    expect(accepted).toHaveLength(2);
    const refused = replies.filter((reply) => reply.status === 409);
    expect(refused).toHaveLength(18);
    expect(refused[0].headers.get('retry-after')).toBe('2');

    // Both fail their payment: the seats are back on sale, and nobody who asks now is refused.
    for (const reply of accepted) expect(await api.waitForDecision(reply.body.bookingId, { timeoutMs: 10_000 })).toMatchObject({ status: 'FAILED' });
    await waitFor(async () => (await api.book('late-buyer', { eventId: event.id, quantity: 1 })).status === 202, 'a late buyer accepted');
  });

  it('should let one accepted booking at a time claim a named seat', async () => {
    const event = await api.createEvent(1, 3);
    const replies = await concurrently(10, () => ({ eventId: event.id, seats: [{ row: 1, col: 2 }] }));
    expect(replies.filter((reply) => reply.status === 202)).toHaveLength(1);
    const refused = replies.filter((reply) => reply.status === 409);
    expect(refused).toHaveLength(9);
    for (const reply of refused) expect(reply.body.message).toMatch(/row 1 col 2/);
  });
});
