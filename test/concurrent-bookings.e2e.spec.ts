import { GatewayClient } from './support/api.js';
import { TestEnvironment } from './support/test-system.js';

// Small batches and prefetch, so that the seats are contested across many transactions. (One replica decides each
// event's shard; test/shard-ownership forces two replicas onto one event.)
describe('concurrent bookings with two inventory replicas', () => {
  const env = new TestEnvironment({ BOOKING_BATCH_SIZE: '10', RABBITMQ_PREFETCH: '20' });
  let api: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem({ inventories: 2 });
  });
  afterAll(() => env.destroy());

  it('should sell exactly once a seat that 200 buyers book at the same moment', async () => {
    const event = await api.createEvent(10, 10);
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => api.book(`fan-${i}`, { eventId: event.id, seats: [{ row: 5, col: 5 }] })));
    // Once the seat is known taken the gateway refuses at once (409); the rest are decided by the inventory.
    const accepted = replies.filter((reply) => reply.status === 202);
    expect(accepted.length + replies.filter((reply) => reply.status === 409).length).toBe(200);

    const decisions = await Promise.all(accepted.map((reply) => api.waitForDecision(reply.body.bookingId)));
    const statuses = decisions.map((decision) => decision.status);
    expect(statuses.filter((status) => status === 'CONFIRMED')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'REJECTED')).toHaveLength(accepted.length - 1);
    expect(await api.stats(event.id)).toEqual({
      eventId: event.id,
      totalSeats: 100,
      seats: { available: 99, held: 0, booked: 1 },
      bookings: accepted.length > 1 ? { CONFIRMED: 1, REJECTED: accepted.length - 1 } : { CONFIRMED: 1 },
    });
    const [owner] = await env.sql<{ booking_id: string }>('SELECT booking_id FROM seats WHERE event_id = $1 AND seat_row = 5 AND seat_col = 5', [event.id]);
    expect(decisions.find((decision) => decision.status === 'CONFIRMED')?.bookingId).toBe(owner.booking_id);
  });

  it('should confirm all of 500 simultaneous bookings of distinct seats', async () => {
    const event = await api.createEvent(20, 25);
    const seats = Array.from({ length: 500 }, (_, i) => ({ row: Math.floor(i / 25) + 1, col: (i % 25) + 1 }));
    const replies = await Promise.all(seats.map((seat, i) => api.book(`buyer-${i}`, { eventId: event.id, seats: [seat] })));
    expect(replies.every((reply) => reply.status === 202)).toBe(true);

    const decisions = await Promise.all(replies.map((reply) => api.waitForDecision(reply.body.bookingId)));
    expect(decisions.every((decision) => decision.status === 'CONFIRMED')).toBe(true);
    expect((await api.stats(event.id)).seats).toEqual({ available: 0, held: 0, booked: 500 });
    const [{ owners }] = await env.sql<{ owners: number }>('SELECT count(DISTINCT booking_id)::int AS owners FROM seats WHERE event_id = $1', [event.id]);
    expect(owners).toBe(500);
  });

  it('should never sell a seat twice when best-available and exact bookings race', async () => {
    const event = await api.createEvent(5, 8);
    const requests = Array.from({ length: 120 }, (_, i) =>
      i % 3 === 0 ? { eventId: event.id, quantity: (i % 4) + 1 } : { eventId: event.id, seats: [{ row: (i % 5) + 1, col: (i % 8) + 1 }] },
    );
    const replies = await Promise.all(requests.map((body, i) => api.book(`racer-${i}`, body)));
    const accepted = replies.filter((reply) => reply.status === 202);
    expect(accepted.length + replies.filter((reply) => reply.status === 409).length).toBe(120);
    const decisions = await Promise.all(accepted.map((reply) => api.waitForDecision(reply.body.bookingId)));
    const sold = decisions.filter((d) => d.status === 'CONFIRMED').flatMap((d) => d.seats.map((seat) => `${seat.row}:${seat.col}`));
    expect(new Set(sold).size).toBe(sold.length);
    const stats = await api.stats(event.id);
    expect(stats.seats.booked).toBe(sold.length);
    expect(stats.seats.available + stats.seats.booked).toBe(40);
  });
});
