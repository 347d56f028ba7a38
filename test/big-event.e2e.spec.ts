import { GatewayClient } from './support/api.js';
import { metricValue } from './support/metrics.js';
import { TestEnvironment } from './support/test-system.js';

// A 1,000 × 1,000 event: a million seat rows, a megabyte of seat-map JSON, stats that count a million rows.
describe('a one-million-seat event', () => {
  const env = new TestEnvironment({ DATABASE_POOL_SIZE: '4', DATABASE_READ_POOL_SIZE: '2' });
  let api: GatewayClient;
  let eventId: number;

  beforeAll(async () => {
    api = await env.startSystem();
    eventId = (await api.createEvent(1000, 1000, 'Stadium')).id;
  });
  afterAll(() => env.destroy());

  it('should serve its details and seat map without blocking the event loop for long', async () => {
    await metricValue(api.baseUrl, 'seatgrid_nodejs_eventloop_lag_max_seconds'); // a scrape resets the maximum
    expect((await api.request('GET', `/events/${eventId}`)).body).toMatchObject({ totalSeats: 1_000_000, available: 1_000_000 });
    const seats = await api.request('GET', `/events/${eventId}/seats`);
    expect(seats.body.seats).toHaveLength(1000);
    expect(seats.body.seats[999]).toHaveLength(1000);
    // Rendering the map row by row took 0.5–1 s of blocked loop; a lookup table a byte takes a few milliseconds.
    expect(await metricValue(api.baseUrl, 'seatgrid_nodejs_eventloop_lag_max_seconds')).toBeLessThan(0.25);
  });

  it('should keep health and bookings answering while twenty clients ask for its stats at once', async () => {
    const stats = Array.from({ length: 20 }, () => api.request('GET', `/events/${eventId}/stats`));
    const ready = api.request('GET', '/health/ready');
    const booking = api.request('POST', '/bookings', { body: { eventId, quantity: 2 }, headers: { 'x-user-id': 'fan', 'idempotency-key': 'stadium-1' } });
    expect((await ready).status).toBe(200);
    expect((await booking).status).toBe(202);
    for (const reply of await Promise.all(stats)) expect(reply).toMatchObject({ status: 200, body: { totalSeats: 1_000_000 } });
  });
});
