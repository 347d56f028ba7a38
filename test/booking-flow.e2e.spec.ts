import { GatewayClient } from './support/api.js';
import { bookingRequest, publishRaw } from './support/messages.js';
import { TestEnvironment } from './support/test-system.js';

describe('booking flow through gateway, RabbitMQ, inventory and PostgreSQL', () => {
  const env = new TestEnvironment();
  let api: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem();
  });
  afterAll(() => env.destroy());

  it('should confirm booked seats and show them in the seat map and stats', async () => {
    const event = await api.createEvent(3, 4);
    expect(event).toEqual({ id: expect.any(Number), name: 'Test event', rows: 3, cols: 4, totalSeats: 12, maxTicketsPerBuyer: 10 });

    const reply = await api.book('alice', { eventId: event.id, seats: [{ row: 2, col: 3 }, { row: 2, col: 4 }] });
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({ bookingId: expect.any(String), status: 'PENDING' });
    expect(reply.headers.get('location')).toBe(`/bookings/${reply.body.bookingId}`);

    const booking = await api.waitForDecision(reply.body.bookingId);
    expect(booking).toMatchObject({ bookingId: reply.body.bookingId, eventId: event.id, userId: 'alice', status: 'CONFIRMED' });
    expect(booking.seats).toEqual(expect.arrayContaining([{ row: 2, col: 3 }, { row: 2, col: 4 }]));

    const seatMap = await api.request('GET', `/events/${event.id}/seats`);
    expect(seatMap.body).toEqual({ eventId: event.id, rows: 3, cols: 4, legend: { A: 'AVAILABLE', H: 'HELD', B: 'BOOKED' }, seats: ['AAAA', 'AABB', 'AAAA'] });
    const stats = await api.stats(event.id);
    expect(stats).toEqual({ eventId: event.id, totalSeats: 12, seats: { available: 10, held: 0, booked: 2 }, bookings: { CONFIRMED: 1 } });
    const details = await api.request('GET', `/events/${event.id}`);
    expect(details.body).toMatchObject({ id: event.id, available: 10, held: 0, booked: 2 });
  });

  it('should refuse at once a booking of seats known taken, naming them', async () => {
    const event = await api.createEvent(1, 2);
    const first = await api.book('alice', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
    await api.waitForDecision(first.body.bookingId);
    await api.request('GET', `/events/${event.id}/seats`);
    const second = await api.book('bob', { eventId: event.id, seats: [{ row: 1, col: 2 }, { row: 1, col: 1 }] });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: 'already taken: row 1 col 1' });
    expect((await api.stats(event.id)).seats).toEqual({ available: 1, held: 0, booked: 1 });
  });

  it('should reject in the inventory a request for a taken seat that got past the gateway, saying which seat', async () => {
    const event = await api.createEvent(1, 2);
    const first = await api.book('alice', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
    await api.waitForDecision(first.body.bookingId);
    const late = bookingRequest(event.id, { seats: [{ row: 1, col: 2 }, { row: 1, col: 1 }] });
    const { channel, close } = await env.amqpChannel();
    await publishRaw(channel, env.topology, late, { eventId: event.id });
    await close();
    expect(await api.waitForDecision(late.bookingId, { userId: late.userId })).toMatchObject({ status: 'REJECTED', reason: 'seat already taken: row 1 col 1', seats: [] });
    expect((await api.stats(event.id)).seats).toEqual({ available: 1, held: 0, booked: 1 });
  });

  it('should give best-available bookings adjacent seats that never overlap', async () => {
    const event = await api.createEvent(3, 6);
    const replies = await Promise.all(Array.from({ length: 9 }, (_, i) => api.book(`buyer-${i}`, { eventId: event.id, quantity: 2 })));
    const bookings = await Promise.all(replies.map((reply) => api.waitForDecision(reply.body.bookingId)));
    expect(bookings.every((booking) => booking.status === 'CONFIRMED')).toBe(true);
    for (const booking of bookings) {
      const cols = booking.seats.map((seat) => seat.col).sort((a, b) => a - b);
      expect(new Set(booking.seats.map((seat) => seat.row)).size).toBe(1);
      expect(cols).toEqual([cols[0], cols[0] + 1]);
    }
    const all = bookings.flatMap((booking) => booking.seats.map((seat) => `${seat.row}:${seat.col}`));
    expect(new Set(all).size).toBe(18);
    const refused = await api.book('late', { eventId: event.id, quantity: 1 });
    expect(refused).toMatchObject({ status: 409, body: { message: `event ${event.id} is sold out; join the waitlist: POST /events/${event.id}/waitlist` } });
  });

  it('should place a best-available booking in the front row, centred', async () => {
    const event = await api.createEvent(5, 9);
    const reply = await api.book('carol', { eventId: event.id, quantity: 3 });
    const booking = await api.waitForDecision(reply.body.bookingId);
    expect(booking.seats).toEqual(expect.arrayContaining([{ row: 1, col: 4 }, { row: 1, col: 5 }, { row: 1, col: 6 }]));
  });

  it('should look past front rows without adjacent room to the first row that has it', async () => {
    const event = await api.createEvent(30, 10);
    const everyOtherSeat = (row: number) => [2, 4, 6, 8, 10].map((col) => ({ row, col }));
    const fragmenting = await Promise.all(Array.from({ length: 29 }, (_, i) => api.book(`fragment-${i}`, { eventId: event.id, seats: everyOtherSeat(i + 1) })));
    await Promise.all(fragmenting.map((reply) => api.waitForDecision(reply.body.bookingId)));
    const reply = await api.book('dave', { eventId: event.id, quantity: 2 });
    expect((await api.waitForDecision(reply.body.bookingId)).seats).toEqual([{ row: 30, col: 5 }, { row: 30, col: 6 }]);
  });

  it('should answer 404 for an unknown booking id', async () => {
    const reply = await api.booking('00000000-0000-4000-8000-000000000000', 'someone');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
