import { GatewayClient } from './support/api.js';
import { bookingRequest, publishRaw } from './support/messages.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('per-buyer ticket cap', () => {
  const env = new TestEnvironment({ PAYMENT_LATENCY_MS: '300' });
  let api: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem();
  });
  afterAll(() => env.destroy());

  const createEvent = async (maxTicketsPerBuyer: number) =>
    (await api.request('POST', '/events', { body: { name: 'Capped', rows: 2, cols: 10, maxTicketsPerBuyer } })).body as { id: number; maxTicketsPerBuyer: number };
  const seatsOf = async (eventId: number, buyer: string) =>
    (await env.sql<{ n: number }>("SELECT coalesce(sum(jsonb_array_length(seats)), 0)::int AS n FROM bookings WHERE event_id = $1 AND user_id = $2 AND status IN ('HELD', 'CONFIRMED')", [eventId, buyer]))[0].n;
  const settled = (eventId: number, count: number) =>
    waitFor(async () => (await env.sql("SELECT 1 FROM bookings WHERE event_id = $1 AND status NOT IN ('PENDING', 'HELD')", [eventId])).length === count, `${count} bookings settled`);

  it('should end three concurrent requests of one buyer for 2 seats each, under a cap of 4, with exactly 4 seats', async () => {
    const event = await createEvent(4);
    expect(event.maxTicketsPerBuyer).toBe(4);
    const replies = await Promise.all(Array.from({ length: 3 }, () => api.book('collector', { eventId: event.id, quantity: 2 })));
    const refused = replies.filter((reply) => reply.status === 409);
    for (const reply of refused) expect(reply.body.message).toMatch(/over the limit of 4 tickets per buyer/);
    await settled(event.id, replies.length - refused.length);
    expect(await seatsOf(event.id, 'collector')).toBe(4);
  });

  it('should enforce the cap in the inventory for requests that never passed a gateway', async () => {
    const event = await createEvent(4);
    const requests = Array.from({ length: 3 }, () => bookingRequest(event.id, { userId: 'scalper', seats: undefined, quantity: 2 }));
    const { channel, close } = await env.amqpChannel();
    for (const request of requests) await publishRaw(channel, env.topology, request, { eventId: event.id });
    await close();
    await settled(event.id, 3);
    expect(await seatsOf(event.id, 'scalper')).toBe(4);
    const [rejected] = await env.sql<{ reason: string }>("SELECT reason FROM bookings WHERE event_id = $1 AND status = 'REJECTED'", [event.id]);
    expect(rejected.reason).toBe(`over the limit of 4 tickets per buyer for event ${event.id}: the buyer holds 4`);
  });

  it('should give a buyer tickets again once a booking of theirs fell through', async () => {
    const event = await createEvent(2);
    const first = await api.book('returning', { eventId: event.id, quantity: 2 });
    await api.waitForDecision(first.body.bookingId);
    const cancelled = await api.request('DELETE', `/bookings/${first.body.bookingId}`, { headers: { 'x-user-id': 'returning' } });
    expect(cancelled.body.status).toBe('CANCELLED');
    await waitFor(async () => (await api.book('returning', { eventId: event.id, quantity: 2 })).status === 202, 'the buyer accepted again', 5000);
  });
});
