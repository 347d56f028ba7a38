import type { WaitlistEntryView } from '@app/contracts';
import { GatewayClient, type Reply } from './support/api.js';
import { metricValue } from './support/metrics.js';
import { type RunningApp, TestEnvironment, waitFor } from './support/test-system.js';

const join = (api: GatewayClient, eventId: number, userId: string, quantity: number): Promise<Reply<WaitlistEntryView>> =>
  api.request('POST', `/events/${eventId}/waitlist`, { body: { quantity }, headers: { 'x-user-id': userId } });
const mine = async (api: GatewayClient, eventId: number, userId: string): Promise<WaitlistEntryView> =>
  (await api.request<WaitlistEntryView>('GET', `/events/${eventId}/waitlist/me`, { headers: { 'x-user-id': userId } })).body;
const leave = (api: GatewayClient, eventId: number, userId: string): Promise<Reply<WaitlistEntryView>> =>
  api.request('DELETE', `/events/${eventId}/waitlist/me`, { headers: { 'x-user-id': userId } });

/** Waits until the buyer's place was served, and answers the booking made for them. */
async function servedBooking(api: GatewayClient, eventId: number, userId: string): Promise<string> {
  await waitFor(async () => (await mine(api, eventId, userId)).bookingId !== undefined, `a booking for ${userId}`, 15_000);
  return (await mine(api, eventId, userId)).bookingId!;
}

/** Sells every seat of a new event to one buyer and waits for the confirmation. */
async function soldOutEvent(api: GatewayClient, rows: number, cols: number, { until = ['CONFIRMED'] } = {}) {
  const event = await api.createEvent(rows, cols);
  const reply = await api.book('first-buyer', { eventId: event.id, quantity: rows * cols });
  const booking = await api.waitForDecision(reply.body.bookingId, { until: until as never });
  return { event, booking };
}

/** A whole system with these settings for one describe block. */
function system(settings: Record<string, string>) {
  const env = new TestEnvironment(settings);
  const context = { env, api: undefined as unknown as GatewayClient, inventory: undefined as unknown as RunningApp };
  beforeAll(async () => {
    await env.migrate();
    context.inventory = await env.start('inventory');
    context.api = new GatewayClient((await env.start('gateway')).url);
  });
  afterAll(() => env.destroy());
  return context;
}

describe('waitlist places', () => {
  const ctx = system({});

  it('should hold one place per buyer, count only the buyers still waiting, and refuse while enough seats are free', async () => {
    const { api, env } = ctx;
    const { event } = await soldOutEvent(api, 1, 1);
    const refused = await api.book('late', { eventId: event.id, quantity: 1 });
    expect(refused).toMatchObject({ status: 409, body: { message: `event ${event.id} is sold out; join the waitlist: POST /events/${event.id}/waitlist` } });

    expect(await join(api, event.id, 'bob', 1)).toMatchObject({ status: 201, body: { position: 1, quantity: 1, status: 'WAITING' } });
    expect(await join(api, event.id, 'carol', 1)).toMatchObject({ status: 201, body: { position: 2 } });
    expect(await join(api, event.id, 'dave', 1)).toMatchObject({ status: 201, body: { position: 3 } });
    expect(await join(api, event.id, 'bob', 2)).toMatchObject({ status: 201, body: { position: 1, quantity: 1, status: 'WAITING' } });
    expect(await env.sql('SELECT 1 FROM waitlist WHERE event_id = $1 AND user_id = $2', [event.id, 'bob'])).toHaveLength(1);

    expect(await leave(api, event.id, 'bob')).toMatchObject({ status: 200, body: { position: null, status: 'LEFT' } });
    expect(await mine(api, event.id, 'carol')).toEqual({ position: 1, quantity: 1, status: 'WAITING' });
    expect(await mine(api, event.id, 'dave')).toMatchObject({ position: 2 });
    expect(await join(api, event.id, 'bob', 1)).toMatchObject({ status: 201, body: { position: 3, status: 'WAITING' } });
    expect((await api.request('GET', `/events/${event.id}/waitlist/me`, { headers: { 'x-user-id': 'nobody' } })).status).toBe(404);

    const open = await api.createEvent(1, 3);
    expect(await join(api, open.id, 'erin', 3)).toMatchObject({ status: 409, body: { message: expect.stringContaining('book them with POST /bookings') } });
    expect((await join(api, open.id, 'erin', 11)).status).toBe(400);
    expect((await api.request('POST', `/events/${open.id}/waitlist`, { body: { quantity: 1 } })).status).toBe(401);
  });

  it('should hand the seats of a cancellation to the first buyers in line they fit, skipping one they no longer fit', async () => {
    const { api, inventory } = ctx;
    const { event, booking } = await soldOutEvent(api, 1, 3);
    const handoversBefore = await metricValue(inventory.url, 'seatgrid_waitlist_handovers_total');
    await join(api, event.id, 'bob', 1);
    await join(api, event.id, 'carol', 3);
    await join(api, event.id, 'dave', 2);

    // Three seats come back: bob (1) gets one, carol (3) no longer fits and keeps her place, dave (2) gets two.
    const cancelled = await api.request('DELETE', `/bookings/${booking.bookingId}`, { headers: { 'x-user-id': 'first-buyer' } });
    expect(cancelled.body.status).toBe('CANCELLED');
    const bobs = await servedBooking(api, event.id, 'bob');
    const daves = await servedBooking(api, event.id, 'dave');
    expect(await api.waitForDecision(bobs, { userId: 'bob' })).toMatchObject({ status: 'CONFIRMED', userId: 'bob', seats: [expect.anything()] });
    expect(await api.waitForDecision(daves, { userId: 'dave' })).toMatchObject({ status: 'CONFIRMED', userId: 'dave', seats: [expect.anything(), expect.anything()] });
    expect(await mine(api, event.id, 'bob')).toEqual({ position: null, quantity: 1, status: 'BOOKED', bookingId: bobs });
    expect(await mine(api, event.id, 'carol')).toEqual({ position: 1, quantity: 3, status: 'WAITING' });
    // The seats went straight from the cancelled booking to the waitlist: never on sale in between.
    expect((await api.stats(event.id)).seats).toEqual({ available: 0, held: 0, booked: 3 });
    expect(await metricValue(inventory.url, 'seatgrid_waitlist_handovers_total')).toBe(handoversBefore + 2);
  }, 120_000);
});

describe('waitlist and the per-buyer cap', () => {
  const ctx = system({});

  it('should refuse a place that would take the buyer past the cap, and skip a buyer who reached it while waiting', async () => {
    const { api } = ctx;
    const created = await api.request('POST', '/events', { body: { name: 'Capped', rows: 1, cols: 4, maxTicketsPerBuyer: 2 } });
    const eventId: number = created.body.id;
    const buy = async (userId: string, cols: number[]) => {
      const reply = await api.book(userId, { eventId, seats: cols.map((col) => ({ row: 1, col })) });
      return api.waitForDecision(reply.body.bookingId, { until: ['CONFIRMED'] as never });
    };
    const cancel = (userId: string, bookingId: string) => api.request('DELETE', `/bookings/${bookingId}`, { headers: { 'x-user-id': userId } });
    const alices = await buy('alice', [1]);
    await buy('bob', [2]);
    const carols = await buy('carol', [3, 4]);

    expect(await join(api, eventId, 'carol', 1)).toMatchObject({ status: 409, body: { message: `over the limit of 2 tickets per buyer for event ${eventId}: you hold 2` } });
    expect(await join(api, eventId, 'wendy', 2)).toMatchObject({ status: 201, body: { position: 1 } });
    // One seat comes back: too few for wendy's two, so it goes on sale, and wendy buys it herself.
    await cancel('alice', alices.bookingId);
    await waitFor(async () => (await api.stats(eventId)).seats.available === 1, 'the seat on sale');
    await buy('wendy', [1]);

    // Two more come back: wendy holds one already, and two more would pass the cap of 2.
    await cancel('carol', carols.bookingId);
    await waitFor(async () => (await api.stats(eventId)).seats.available === 2, 'the seats on sale');
    expect(await mine(api, eventId, 'wendy')).toEqual({ position: 1, quantity: 2, status: 'WAITING' });
  }, 150_000);
});

describe('waitlist after a declined payment', () => {
  // Every charge is declined: the first booking fails, and so does each waitlist booking, passing the seat on.
  const ctx = system({ PAYMENT_FAILURE_RATE: '1', PAYMENT_LATENCY_MS: '1500' });

  it('should pass the seats to the next in line, and again when that booking fails too', async () => {
    const { api } = ctx;
    const { event, booking } = await soldOutEvent(api, 1, 1, { until: ['HELD'] });
    await join(api, event.id, 'bob', 1);
    await join(api, event.id, 'carol', 1);
    expect(await api.waitForDecision(booking.bookingId)).toMatchObject({ status: 'FAILED' });

    const bobs = await servedBooking(api, event.id, 'bob');
    expect(await api.waitForDecision(bobs, { userId: 'bob' })).toMatchObject({ status: 'FAILED', reason: 'payment declined', seats: [{ row: 1, col: 1 }] });
    const carols = await servedBooking(api, event.id, 'carol');
    expect(await mine(api, event.id, 'bob')).toEqual({ position: null, quantity: 1, status: 'EXPIRED', bookingId: bobs });
    expect(await api.waitForDecision(carols, { userId: 'carol' })).toMatchObject({ status: 'FAILED', userId: 'carol' });
    await waitFor(async () => (await api.stats(event.id)).seats.available === 1, 'the seat back on sale once nobody waits');
  }, 150_000);
});

describe('waitlist after an expired hold', () => {
  const ctx = system({ HOLD_TTL_SECONDS: '2', PAYMENT_HANG_RATE: '1', PAYMENT_TIMEOUT_MS: '30000' });

  it('should book the seats of an expired hold for the buyer in line, whose own hold then expires', async () => {
    const { api } = ctx;
    const { event, booking } = await soldOutEvent(api, 1, 2, { until: ['HELD'] });
    expect(await join(api, event.id, 'bob', 2)).toMatchObject({ status: 201, body: { position: 1 } });
    expect(await api.waitForDecision(booking.bookingId)).toMatchObject({ status: 'EXPIRED' });

    const bobs = await servedBooking(api, event.id, 'bob');
    expect(await api.waitForDecision(bobs, { until: ['HELD'], userId: 'bob' })).toMatchObject({ status: 'HELD', userId: 'bob', seats: booking.seats });
    // The read side shows the seats held for bob, never free in between.
    expect((await api.request('GET', `/events/${event.id}/seats`)).body.seats).toEqual(['HH']);
    expect((await api.request('GET', `/events/${event.id}`)).body).toMatchObject({ available: 0, held: 2 });
    expect(await api.waitForDecision(bobs, { userId: 'bob' })).toMatchObject({ status: 'EXPIRED' });
    expect(await mine(api, event.id, 'bob')).toMatchObject({ status: 'EXPIRED', bookingId: bobs });
    await waitFor(async () => (await api.stats(event.id)).seats.available === 2, 'the seats back on sale');
  }, 150_000);
});
