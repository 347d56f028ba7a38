import type { EventView, QueueTicketView } from '@app/contracts';
import { GatewayClient, type Reply } from './support/api.js';
import { metricValue } from './support/metrics.js';
import { SseClient } from './support/sse.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('virtual waiting room', () => {
  const env = new TestEnvironment();
  let api: GatewayClient;
  let second: GatewayClient;
  /** A gateway whose admission tokens last 2 s (the default is 5 min). */
  let brief: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem();
    second = new GatewayClient((await env.start('gateway')).url);
    brief = new GatewayClient((await env.start('gateway', { QUEUE_TOKEN_TTL_SECONDS: '2' })).url);
  }, 120_000);
  afterAll(() => env.destroy());

  const createEvent = async (admissionRatePerSecond: number | undefined, rows = 2, cols = 5): Promise<EventView> => {
    const reply = await api.request<EventView>('POST', '/events', { body: { name: 'Queued', rows, cols, admissionRatePerSecond } });
    expect(reply.status).toBe(201);
    return reply.body;
  };
  const join = (gateway: GatewayClient, eventId: number, buyer: string): Promise<Reply<QueueTicketView>> =>
    gateway.request('POST', `/events/${eventId}/queue`, { headers: { 'x-user-id': buyer } });
  const look = (gateway: GatewayClient, ticketId: string, buyer: string): Promise<Reply<QueueTicketView>> =>
    gateway.request('GET', `/queue/${ticketId}`, { headers: { 'x-user-id': buyer } });
  const book = (gateway: GatewayClient, buyer: string, body: object, token?: string, headers: Record<string, string> = {}) =>
    gateway.request('POST', '/bookings', { body, headers: { 'x-user-id': buyer, ...(token === undefined ? {} : { 'x-admission-token': token }), ...headers } });

  /** Joins and asks until admitted; the admitted view, with its token. */
  async function admitted(gateway: GatewayClient, eventId: number, buyer: string): Promise<QueueTicketView> {
    let view = (await join(gateway, eventId, buyer)).body;
    await waitFor(async () => (view = (await look(gateway, view.ticketId, buyer)).body).admitted, `${buyer} to be admitted`);
    return view;
  }

  it('should leave an event without admissionRatePerSecond as it was, with no queue to join', async () => {
    const event = await createEvent(undefined);
    expect(event.admissionRatePerSecond).toBeUndefined();
    expect((await book(second, 'free-1', { eventId: event.id, quantity: 1 })).status).toBe(202);
    expect((await join(second, event.id, 'free-1')).status).toBe(409);
  });

  it('should refuse a booking without a valid admission token with 403, pointing to the queue', async () => {
    const event = await createEvent(100);
    expect(event.admissionRatePerSecond).toBe(100);
    const missing = await book(second, 'door-1', { eventId: event.id, quantity: 1 });
    expect([missing.status, missing.body.queue, missing.body.requestId]).toEqual([403, `/events/${event.id}/queue`, expect.any(String)]);
    expect(missing.body.message).toContain('X-Admission-Token');
    const forged = await book(api, 'door-1', { eventId: event.id, quantity: 1 }, 'v1.e30.AAAA');
    expect([forged.status, forged.body.queue]).toEqual([403, `/events/${event.id}/queue`]);
    expect(await metricValue(second.baseUrl, 'seatgrid_admission_refusals_total', { reason: 'missing' })).toBeGreaterThanOrEqual(1);
    expect(await env.sql('SELECT id FROM bookings WHERE event_id = $1', [event.id])).toEqual([]);
  });

  it('should give a buyer who joins again the same ticket, tell each place and wait, and show a ticket to its buyer only', async () => {
    const event = await createEvent(1);
    const joined = [await join(api, event.id, 'place-1'), await join(second, event.id, 'place-2'), await join(api, event.id, 'place-3')];
    expect(joined.map((reply) => [reply.status, reply.body.number, reply.body.position, reply.body.estimatedWaitSeconds, reply.body.state])).toEqual([
      [201, 1, 1, 1, 'waiting'],
      [201, 2, 2, 2, 'waiting'],
      [201, 3, 3, 3, 'waiting'],
    ]);
    expect(joined[0].headers.get('location')).toBe(`/queue/${joined[0].body.ticketId}`);
    const again = await join(second, event.id, 'place-2');
    expect([again.status, again.body.ticketId, again.body.number]).toEqual([200, joined[1].body.ticketId, 2]);
    expect((await look(api, joined[1].body.ticketId, 'place-1')).status).toBe(403);
    expect((await look(api, `${event.id}-00000000-0000-4000-8000-000000000000`, 'place-1')).status).toBe(404);
  });

  it('should admit buyers in the order they joined, at the set rate, across two gateways', async () => {
    const rate = 10;
    const event = await createEvent(rate);
    const gateways = [api, second];
    const tickets: { buyer: string; ticketId: string; number: number }[] = [];
    const joinedFrom = Date.now();
    for (let i = 0; i < 30; i++) {
      const reply = await join(gateways[i % 2], event.id, `fifo-${i}`);
      tickets.push({ buyer: `fifo-${i}`, ticketId: reply.body.ticketId, number: reply.body.number });
    }
    const joinedBy = Date.now();
    expect(tickets.map((ticket) => ticket.number)).toEqual(tickets.map((_, i) => i + 1));
    for (let round = 0, count = 0; count < tickets.length; round++, await sleep(100)) {
      const askedAt = Date.now();
      // Last joined first: the mark only moves forward, so an earlier buyer asked later can never be behind a later one.
      const flags: boolean[] = [];
      for (let i = tickets.length - 1; i >= 0; i--) flags[i] = (await look(gateways[(i + round) % 2], tickets[i].ticketId, tickets[i].buyer)).body.admitted;
      const answeredAt = Date.now();
      count = flags.filter(Boolean).length;
      expect(flags).toEqual(tickets.map((_, i) => i < count));
      expect(count).toBeLessThanOrEqual(Math.floor((rate * (answeredAt - joinedFrom)) / 1000) + 1);
      expect(count).toBeGreaterThanOrEqual(Math.min(tickets.length, Math.floor((rate * (askedAt - joinedBy)) / 1000) - 2));
    }
    expect(await metricValue(api.baseUrl, 'seatgrid_queue_admissions_total') + (await metricValue(second.baseUrl, 'seatgrid_queue_admissions_total'))).toBeGreaterThanOrEqual(30);
  });

  it('should bind an admission token to its buyer and its event', async () => {
    const [event, other] = [await createEvent(1000), await createEvent(1000)];
    const { admissionToken, expiresAt } = await admitted(api, event.id, 'bound-1');
    expect(new Date(expiresAt!).getTime() - Date.now()).toBeGreaterThan(4 * 60_000);
    expect((await book(second, 'bound-2', { eventId: event.id, quantity: 1 }, admissionToken)).body.message).toContain('another buyer');
    expect((await book(second, 'bound-1', { eventId: other.id, quantity: 1 }, admissionToken)).status).toBe(403);
    expect((await book(second, 'bound-1', { eventId: event.id, quantity: 1 }, admissionToken)).status).toBe(202);
  });

  it('should use a token up with one accepted booking, not with a refused one, whichever gateway is asked', async () => {
    const event = await createEvent(1000);
    const taken = await book(api, 'once-0', { eventId: event.id, seats: [{ row: 1, col: 1 }] }, (await admitted(api, event.id, 'once-0')).admissionToken);
    await api.waitForDecision(taken.body.bookingId);
    await waitFor(async () => (await second.request('GET', `/events/${event.id}/seats`)).body.seats[0][0] === 'B', 'the taken seat to show');

    const { ticketId, admissionToken } = await admitted(second, event.id, 'once-1');
    expect((await book(second, 'once-1', { eventId: event.id, seats: [{ row: 1, col: 1 }] }, admissionToken)).status).toBe(409);
    expect((await book(second, 'once-1', { eventId: event.id, seats: [{ row: 1, col: 2 }] }, admissionToken)).status).toBe(202);
    const again = await book(api, 'once-1', { eventId: event.id, seats: [{ row: 1, col: 3 }] }, admissionToken);
    expect([again.status, again.body.message]).toEqual([403, expect.stringContaining('already used')]);
    expect((await look(api, ticketId, 'once-1')).body).toMatchObject({ state: 'used', admitted: true });

    const racing = (await admitted(api, event.id, 'once-2')).admissionToken;
    const replies = await Promise.all([api, second, api, second, api].map((gateway) => book(gateway, 'once-2', { eventId: event.id, quantity: 1 }, racing)));
    expect(replies.map((reply) => reply.status).sort()).toEqual([202, 403, 403, 403, 403]);
  }, 90_000);

  it('should answer a retry with the same Idempotency-Key with the same booking, and no other request', async () => {
    const event = await createEvent(1000);
    const { admissionToken } = await admitted(api, event.id, 'retry-1');
    const first = await book(api, 'retry-1', { eventId: event.id, quantity: 1 }, admissionToken, { 'idempotency-key': 'k-1' });
    const retry = await book(second, 'retry-1', { eventId: event.id, quantity: 1 }, admissionToken, { 'idempotency-key': 'k-1' });
    expect([first.status, retry.status, retry.body.bookingId]).toEqual([202, 202, first.body.bookingId]);
    expect((await book(api, 'retry-1', { eventId: event.id, quantity: 1 }, admissionToken, { 'idempotency-key': 'k-2' })).status).toBe(403);
  });

  it('should let an admission token expire, and put a buyer who joins again at the back', async () => {
    const event = await createEvent(1000);
    const view = await admitted(brief, event.id, 'late-1');
    const expiresAt = new Date(view.expiresAt!).getTime();
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(2000);
    await sleep(expiresAt - Date.now() + 100);
    const refused = await book(api, 'late-1', { eventId: event.id, quantity: 1 }, view.admissionToken);
    expect([refused.status, refused.body.message]).toEqual([403, expect.stringContaining('expired')]);
    expect((await look(brief, view.ticketId, 'late-1')).body).toMatchObject({ state: 'expired', admitted: true });
    expect((await look(brief, view.ticketId, 'late-1')).body.admissionToken).toBeUndefined();
    const rejoined = await join(brief, event.id, 'late-1');
    expect([rejoined.status, rejoined.body.ticketId === view.ticketId, rejoined.body.number]).toEqual([201, false, view.number + 1]);
  });

  it('should open and close the waiting room on every gateway when an admin changes the rate', async () => {
    const event = await createEvent(undefined);
    expect((await api.request('PATCH', `/events/${event.id}`, { body: { admissionRatePerSecond: 0 } })).status).toBe(400);
    expect((await api.request('PATCH', '/events/999999999', { body: { admissionRatePerSecond: 5 } })).status).toBe(404);
    const patched = await api.request<EventView>('PATCH', `/events/${event.id}`, { body: { admissionRatePerSecond: 5 } });
    expect([patched.status, patched.body.admissionRatePerSecond]).toEqual([200, 5]);
    await waitFor(async () => (await book(second, 'patch-1', { eventId: event.id, quantity: 1 })).status === 403, 'the other gateway to require a token', 3000);
    expect((await second.request('GET', `/events/${event.id}`)).body.admissionRatePerSecond).toBe(5);
    await api.request('PATCH', `/events/${event.id}`, { body: { admissionRatePerSecond: null } });
    await waitFor(async () => (await book(second, 'patch-2', { eventId: event.id, quantity: 1 })).status === 202, 'the other gateway to open the event again', 3000);
  });

  it('should pick up a rate whose announcement was lost within seconds', async () => {
    const event = await createEvent(undefined);
    const rateOn = async (gateway: GatewayClient) => (await gateway.request('GET', `/events/${event.id}`)).body.admissionRatePerSecond;
    expect(await rateOn(second)).toBeUndefined();
    // Written straight to PostgreSQL: nobody announces it.
    await env.sql('UPDATE events SET admission_rate_per_second = 5 WHERE id = $1', [event.id]);
    await waitFor(async () => (await rateOn(second)) === 5, 'the gateway to re-read the rate', 15_000);
    expect((await book(second, 'unannounced-1', { eventId: event.id, quantity: 1 })).status).toBe(403);
    await env.sql('UPDATE events SET admission_rate_per_second = NULL WHERE id = $1', [event.id]);
    await waitFor(async () => (await rateOn(second)) === undefined, 'the gateway to re-read the rate', 15_000);
    expect((await book(second, 'unannounced-2', { eventId: event.id, quantity: 1 })).status).toBe(202);
  }, 45_000);

  it('should let a buyer follow its place over Server-Sent Events until it is admitted', async () => {
    const event = await createEvent(2);
    for (let i = 1; i <= 3; i++) await join(api, event.id, `follow-${i}`);
    const { ticketId } = (await join(second, event.id, 'follow-4')).body;
    expect((await SseClient.open(`${second.baseUrl}/queue/${ticketId}/stream`, { 'x-user-id': 'follow-1' }).then((foreign) => (foreign.close(), foreign.status)))).toBe(403);
    const follower = await SseClient.open(`${second.baseUrl}/queue/${ticketId}/stream`, { 'x-user-id': 'follow-4' });
    try {
      const first = await follower.next();
      expect([first.event, first.data.state, first.data.position]).toEqual(['queue', 'waiting', expect.any(Number)]);
      const admission = await follower.next((sent) => sent.data.admitted, { timeoutMs: 10_000 });
      const positions = follower.events.filter((sent) => !sent.data.admitted).map((sent) => sent.data.position);
      expect(positions).toEqual([...positions].sort((a, b) => b - a));
      expect(positions.length).toBeGreaterThan(1);
      expect((await book(api, 'follow-4', { eventId: event.id, quantity: 1 }, admission.data.admissionToken)).status).toBe(202);
      expect(await metricValue(second.baseUrl, 'seatgrid_sse_streams_open', { stream: 'queue' })).toBe(1);
    } finally {
      follower.close();
    }
  });
});
