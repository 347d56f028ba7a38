import { GatewayClient } from './support/api.js';
import { bookingRequest, publishRaw } from './support/messages.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('redelivered booking messages', () => {
  const env = new TestEnvironment();
  let api: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem();
  });
  afterAll(() => env.destroy());

  const bookingsOf = (id: string) => env.sql<{ status: string }>('SELECT status FROM bookings WHERE id = $1', [id]);

  it('should record one booking when the same message arrives twice at once', async () => {
    const event = await api.createEvent(2, 2);
    const message = bookingRequest(event.id, { seats: [{ row: 1, col: 2 }] });
    const { channel, close } = await env.amqpChannel();
    await publishRaw(channel, env.topology, message, { eventId: event.id });
    await publishRaw(channel, env.topology, message, { eventId: event.id });
    await close();

    expect(await api.waitForDecision(message.bookingId, { userId: message.userId })).toMatchObject({ status: 'CONFIRMED', seats: [{ row: 1, col: 2 }] });
    await waitFor(async () => (await env.commandsQueued()) === 0, 'both copies acknowledged');
    expect(await bookingsOf(message.bookingId)).toEqual([{ status: 'CONFIRMED' }]);
    expect(await api.stats(event.id)).toMatchObject({ seats: { available: 3, held: 0, booked: 1 }, bookings: { CONFIRMED: 1 } });
  });

  it('should leave a decided booking untouched when its message is delivered again later', async () => {
    const event = await api.createEvent(1, 1);
    const message = bookingRequest(event.id);
    const { channel, close } = await env.amqpChannel();
    await publishRaw(channel, env.topology, message, { eventId: event.id });
    await api.waitForDecision(message.bookingId, { userId: message.userId });
    await publishRaw(channel, env.topology, message, { eventId: event.id });
    await close();

    await waitFor(async () => (await env.commandsQueued()) === 0, 'the late copy acknowledged');
    expect(await bookingsOf(message.bookingId)).toEqual([{ status: 'CONFIRMED' }]);
    const [seat] = await env.sql<{ booking_id: string; status: string }>('SELECT booking_id, status FROM seats WHERE event_id = $1', [event.id]);
    expect(seat).toEqual({ booking_id: message.bookingId, status: 'BOOKED' });
  });
});
