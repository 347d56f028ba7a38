import { Redis } from 'ioredis';
import { seatMapRows } from '@app/seat-map';
import { GatewayClient } from './support/api.js';
import { metricValue } from './support/metrics.js';
import { SERVICES, TestEnvironment, waitFor } from './support/test-system.js';

describe('seat-map cache and fast refusals', () => {
  const env = new TestEnvironment();
  let api: GatewayClient;
  let second: GatewayClient;
  let inventoryUrl: string;
  const redis = new Redis(SERVICES.REDIS);

  beforeAll(async () => {
    await env.migrate();
    inventoryUrl = (await env.start('inventory')).url;
    api = new GatewayClient((await env.start('gateway')).url);
    second = new GatewayClient((await env.start('gateway')).url);
  }, 90_000);
  afterAll(async () => {
    redis.disconnect();
    await env.destroy();
  });

  const projectionKeys = (eventId: number) => ['seats', 'avail', 'version'].map((key) => `${env.name}:event:${eventId}:${key}`);
  const seats = (client: GatewayClient, eventId: number, headers: Record<string, string> = {}) => client.request('GET', `/events/${eventId}/seats`, { headers });

  it('should answer MISS on a cold cache, then HIT', async () => {
    const event = await api.createEvent(3, 3);
    await redis.del(...projectionKeys(event.id));
    const cold = await seats(second, event.id);
    expect(cold.headers.get('x-cache-status')).toBe('MISS');
    expect(cold.body.seats).toEqual(['AAA', 'AAA', 'AAA']);
    const warm = await seats(second, event.id);
    expect(warm.headers.get('x-cache-status')).toBe('HIT');
    expect(warm.body).toEqual(cold.body);
  });

  it('should show a confirmed booking in the seat map right away', async () => {
    const event = await api.createEvent(2, 2);
    await seats(api, event.id); // the gateway now holds a local copy
    const reply = await api.book('alice', { eventId: event.id, seats: [{ row: 2, col: 2 }] });
    await api.waitForDecision(reply.body.bookingId);
    expect((await seats(api, event.id)).body.seats).toEqual(['AA', 'AB']);
    expect((await api.request('GET', `/events/${event.id}`)).body).toMatchObject({ available: 3, held: 0, booked: 1 });
  });

  it('should rebuild a cold key once for 100 concurrent reads across two gateways', async () => {
    const event = await api.createEvent(20, 20);
    await redis.del(...projectionKeys(event.id));
    const before = (await metricValue(api.baseUrl, 'seatgrid_seatmap_rebuilds_total')) + (await metricValue(second.baseUrl, 'seatgrid_seatmap_rebuilds_total'));
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => seats(i % 2 ? api : second, event.id)));
    expect(replies.every((reply) => reply.status === 200 && reply.body.seats.length === 20)).toBe(true);
    const after = (await metricValue(api.baseUrl, 'seatgrid_seatmap_rebuilds_total')) + (await metricValue(second.baseUrl, 'seatgrid_seatmap_rebuilds_total'));
    expect(after - before).toBe(1);
  });

  it('should answer 304 to a matching If-None-Match, and 200 once the seats change', async () => {
    const event = await api.createEvent(2, 3);
    const first = await seats(api, event.id);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+-\d+"$/);
    const unchanged = await seats(api, event.id, { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBe('');
    const reply = await api.book('bob', { eventId: event.id, seats: [{ row: 1, col: 3 }] });
    await api.waitForDecision(reply.body.bookingId);
    const changed = await seats(api, event.id, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('should serve the same seat map as a compact binary bitmap', async () => {
    const event = await api.createEvent(3, 7);
    const reply = await api.book('carol', { eventId: event.id, seats: [{ row: 2, col: 7 }, { row: 3, col: 1 }] });
    await api.waitForDecision(reply.body.bookingId);
    const response = await fetch(`${api.baseUrl}/events/${event.id}/seats`, { headers: { accept: 'application/octet-stream' } });
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const grid = { rows: Number(response.headers.get('x-seat-rows')), cols: Number(response.headers.get('x-seat-cols')) };
    const bitmap = Buffer.from(await response.arrayBuffer());
    expect(bitmap.length).toBe(Math.ceil(21 / 4));
    expect(seatMapRows(grid, bitmap)).toEqual((await seats(api, event.id)).body.seats);
    expect(seatMapRows(grid, bitmap)).toEqual(['AAAAAAA', 'AAAAAAB', 'BAAAAAA']);
  });

  it('should refuse bookings for a sold-out event with 409 and publish nothing', async () => {
    const event = await api.createEvent(1, 2);
    const reply = await api.book('dave', { eventId: event.id, quantity: 2 });
    await api.waitForDecision(reply.body.bookingId);
    await waitFor(async () => (await api.book('probe', { eventId: event.id, quantity: 1 })).status === 409, 'the gateway to learn the sell-out');
    const recorded = async () => (await env.sql('SELECT id FROM bookings WHERE event_id = $1', [event.id])).length;
    const before = await recorded();

    const refusals = await Promise.all(Array.from({ length: 50 }, (_, i) => second.book(`late-${i}`, { eventId: event.id, seats: [{ row: 1, col: 1 + (i % 2) }] })));
    const quantities = await Promise.all(Array.from({ length: 50 }, (_, i) => api.book(`late-q-${i}`, { eventId: event.id, quantity: 1 })));
    expect([...refusals, ...quantities].every((refusal) => refusal.status === 409)).toBe(true);
    expect(quantities[0].body.message).toBe(`event ${event.id} is sold out; join the waitlist: POST /events/${event.id}/waitlist`);
    expect(refusals[0].body.message).toMatch(new RegExp(`event ${event.id} is sold out|already taken: row 1 col [12]`));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await recorded()).toBe(before);
    expect(await env.commandsQueued()).toBe(0);
    expect(await metricValue(second.baseUrl, 'seatgrid_bookings_refused_total')).toBeGreaterThanOrEqual(50);
  });

  it('should make a released seat bookable again on another gateway, told by the inventory’s notice', async () => {
    const event = await api.createEvent(1, 1);
    const reply = await api.book('erin', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
    await api.waitForDecision(reply.body.bookingId);
    await seats(second, event.id);
    expect((await second.book('frank', { eventId: event.id, seats: [{ row: 1, col: 1 }] })).status).toBe(409);

    // The booking path only ever checks the copy `second` holds, which nothing but a notice refreshes: without the
    // cancellation's notice it would refuse the seat for good.
    await api.request('DELETE', `/bookings/${reply.body.bookingId}`, { headers: { 'x-user-id': 'erin' } });
    await waitFor(async () => (await second.book('frank', { eventId: event.id, seats: [{ row: 1, col: 1 }] })).status === 202, 'the seat to be bookable again');
    expect((await seats(api, event.id)).body.seats[0]).not.toBe('B');
  });

  it('should repair a seat projection that drifted from PostgreSQL', async () => {
    const event = await api.createEvent(2, 2);
    const before = await metricValue(inventoryUrl, 'seatgrid_projection_repairs_total');
    // Drift: Redis claims seat (1,1) is booked, PostgreSQL knows it is free.
    await redis.bitfield(`${env.name}:event:${event.id}:seats`, 'SET', 'u2', '#0', 2);
    await redis.set(`${env.name}:event:${event.id}:avail`, 3);
    await waitFor(async () => (await redis.get(`${env.name}:event:${event.id}:avail`)) === '4', 'the reconciler to repair the counter', 10_000);
    expect(await redis.bitfield(`${env.name}:event:${event.id}:seats`, 'GET', 'u2', '#0')).toEqual([0]);
    expect(await metricValue(inventoryUrl, 'seatgrid_projection_repairs_total')).toBeGreaterThan(before);
  });
});
