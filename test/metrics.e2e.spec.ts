import { GatewayClient } from './support/api.js';
import { metricValue } from './support/metrics.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('metrics as a booking flows', () => {
  const env = new TestEnvironment();
  let api: GatewayClient;
  let inventoryUrl: string;

  beforeAll(async () => {
    await env.migrate();
    inventoryUrl = (await env.start('inventory')).url;
    api = new GatewayClient((await env.start('gateway')).url);
  });
  afterAll(() => env.destroy());

  it('should move the intake, decision, saga and HTTP metrics', async () => {
    const gateway = (name: string, labels?: Record<string, string>) => metricValue(api.baseUrl, name, labels);
    const inventory = (name: string, labels?: Record<string, string>) => metricValue(inventoryUrl, name, labels);
    const event = await api.createEvent(2, 2);
    const before = {
      accepted: await gateway('seatgrid_bookings_accepted_total'),
      invalid: await gateway('seatgrid_bookings_refused_total', { reason: 'invalid' }),
      posts: await gateway('seatgrid_http_requests_total', { route: '/bookings', status_class: '2xx' }),
      held: await inventory('seatgrid_bookings_decided_total', { outcome: 'HELD' }),
      confirmed: await inventory('seatgrid_bookings_decided_total', { outcome: 'CONFIRMED' }),
      decisions: await inventory('seatgrid_booking_decision_seconds_count'),
      charged: await inventory('seatgrid_payments_total', { outcome: 'charged' }),
      batches: await inventory('seatgrid_booking_batch_size_count'),
    };

    const reply = await api.book('alice', { eventId: event.id, quantity: 2 });
    await api.waitForDecision(reply.body.bookingId);
    await api.book('alice', { eventId: event.id, quantity: 20 });

    expect(await gateway('seatgrid_bookings_accepted_total')).toBe(before.accepted + 1);
    expect(await gateway('seatgrid_bookings_refused_total', { reason: 'invalid' })).toBe(before.invalid + 1);
    expect(await gateway('seatgrid_http_requests_total', { route: '/bookings', status_class: '2xx' })).toBe(before.posts + 1);
    expect(await gateway('seatgrid_http_request_duration_seconds_count', { route: '/bookings/:id' })).toBeGreaterThan(0);
    expect(await inventory('seatgrid_bookings_decided_total', { outcome: 'HELD' })).toBe(before.held + 1);
    expect(await inventory('seatgrid_bookings_decided_total', { outcome: 'CONFIRMED' })).toBe(before.confirmed + 1);
    expect(await inventory('seatgrid_booking_decision_seconds_count')).toBe(before.decisions + 1);
    expect(await inventory('seatgrid_payments_total', { outcome: 'charged' })).toBe(before.charged + 1);
    expect(await inventory('seatgrid_booking_batch_size_count')).toBeGreaterThan(before.batches);
  });

  it('should sample the broker queues and the database pool', async () => {
    await waitFor(async () => (await metricValue(inventoryUrl, 'seatgrid_queue_consumers', { queue: 'requests' })) >= 1, 'queue sampling', 15_000);
    expect(await metricValue(inventoryUrl, 'seatgrid_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(await metricValue(api.baseUrl, 'seatgrid_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
