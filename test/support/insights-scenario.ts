import type { InsightsView } from '@app/contracts';
import { GatewayClient } from './api.js';
import { metricValue } from './metrics.js';
import { type RunningApp, TestEnvironment, waitFor } from './test-system.js';

/**
 * Seat-demand insights with the sink `settings` select: what every sink must show. `seatRowsStored` counts the
 * per-seat rows in that sink, to show the counts went there.
 */
export function describeInsights(name: string, settings: () => Record<string, string>, seatRowsStored: (env: TestEnvironment) => Promise<number>): void {
  describe(name, () => {
    let env: TestEnvironment;
    let api: GatewayClient;
    let gateway: RunningApp;

    beforeAll(async () => {
      env = new TestEnvironment({ INSIGHTS_FLUSH_MS: '200', ...settings() });
      await env.migrate();
      await env.start('inventory');
      gateway = await env.start('gateway');
      api = new GatewayClient(gateway.url);
    });
    afterAll(() => env.destroy());

    const insights = async (eventId: number) => (await api.request<InsightsView>('GET', `/events/${eventId}/insights`)).body;

    it('should rank a contested seat first, counting the attempts a gateway refused at once', async () => {
      const event = await api.createEvent(2, 3);
      const first = await api.book('alice', { eventId: event.id, seats: [{ row: 1, col: 2 }] });
      await api.waitForDecision(first.body.bookingId);
      const refusedBefore = await metricValue(gateway.url, 'seatgrid_bookings_refused_total', { reason: 'seat_taken' });
      const late = await Promise.all(['bob', 'carol', 'dave', 'erin', 'frank'].map((buyer) => api.book(buyer, { eventId: event.id, seats: [{ row: 1, col: 2 }] })));
      expect(late.map((reply) => reply.status)).toEqual([409, 409, 409, 409, 409]);
      expect(await metricValue(gateway.url, 'seatgrid_bookings_refused_total', { reason: 'seat_taken' })).toBe(refusedBefore + 5);
      const other = await api.book('gina', { eventId: event.id, seats: [{ row: 2, col: 3 }] });
      const anyTwo = await api.book('hal', { eventId: event.id, quantity: 2 });
      for (const reply of [other, anyTwo]) expect(await api.waitForDecision(reply.body.bookingId)).toMatchObject({ status: 'CONFIRMED' });
      for (let read = 0; read < 3; read++) expect((await api.request('GET', `/events/${event.id}/seats`)).status).toBe(200);

      await waitFor(async () => (await insights(event.id)).seatMapReads === 3 && (await insights(event.id)).attempts === 8, 'the counts to be flushed');
      const found = await insights(event.id);
      expect(found.hotSeats).toEqual([
        { row: 1, col: 2, attempts: 6 },
        { row: 2, col: 3, attempts: 1 },
      ]);
      expect(found.attemptsPerMinute.reduce((total, minute) => total + minute.attempts, 0)).toBe(8);
      expect(Date.parse(found.attemptsPerMinute.at(-1)!.minute)).toBeLessThanOrEqual(Date.now());
      expect(found).toMatchObject({ eventId: event.id, confirmedBookings: 3, conversion: 0.375 });
      expect(await seatRowsStored(env)).toBeGreaterThanOrEqual(2);
    });

    it('should answer 404 for an unknown event and nothing counted for a new one', async () => {
      expect((await api.request('GET', '/events/999999999/insights')).status).toBe(404);
      const event = await api.createEvent(1, 1);
      expect(await insights(event.id)).toEqual({ eventId: event.id, hotSeats: [], attemptsPerMinute: [], seatMapReads: 0, attempts: 0, confirmedBookings: 0, conversion: 0 });
    });
  });
}
