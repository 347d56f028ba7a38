import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { GatewayClient } from './support/api.js';
import { metricValue } from './support/metrics.js';
import { SseClient, type SseEvent } from './support/sse.js';
import { SERVICES, TestEnvironment, waitFor } from './support/test-system.js';

describe('live seat map (GET /events/{id}/seats/stream)', () => {
  const env = new TestEnvironment();
  const redis = new Redis(SERVICES.REDIS);
  const clients: SseClient[] = [];
  let api: GatewayClient;
  let second: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem();
    second = new GatewayClient((await env.start('gateway')).url);
  }, 90_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    redis.disconnect();
    await env.destroy();
  });

  const stream = async (gateway: GatewayClient, eventId: number, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${gateway.baseUrl}/events/${eventId}/seats/stream`, headers);
    clients.push(client);
    return client;
  };
  const changesOf = (event: SseEvent) => event.data.changes.map(({ row, col, status }: { row: number; col: number; status: string }) => `${row},${col} ${status}`);

  it('should start with the seat map, then send a booked seat to streams on every gateway within a second of the decision', async () => {
    const event = await api.createEvent(2, 3);
    const here = await stream(api, event.id);
    const there = await stream(second, event.id);
    expect([here.status, here.response.headers['content-type']]).toEqual([200, 'text/event-stream; charset=utf-8']);
    const snapshot = await there.next();
    expect([snapshot.event, snapshot.id, snapshot.data.version]).toEqual(['snapshot', String(snapshot.data.version), expect.any(Number)]);
    expect(snapshot.data.seatMap.seats).toEqual(['AAA', 'AAA']);

    const reply = await api.book('live-1', { eventId: event.id, seats: [{ row: 2, col: 3 }] });
    await api.waitForDecision(reply.body.bookingId);
    const [{ decided }] = await env.sql<{ decided: Date }>('SELECT decided_at AS decided FROM bookings WHERE id = $1', [reply.body.bookingId]);
    for (const client of [here, there]) {
      const held = await client.next((sent) => sent.event === 'seats');
      expect([held.data.version, held.id, changesOf(held)]).toEqual([snapshot.data.version + 1, String(snapshot.data.version + 1), ['2,3 HELD']]);
      // decided_at is the start of the deciding transaction: the notice can only come later.
      expect(held.receivedAt - decided.getTime()).toBeLessThan(1000);
      expect(changesOf(await client.next((sent) => sent.data.version === snapshot.data.version + 2))).toEqual(['2,3 BOOKED']);
    }
    expect(await metricValue(second.baseUrl, 'seatgrid_sse_streams_open', { stream: 'seats' })).toBeGreaterThanOrEqual(1);
    expect(await metricValue(second.baseUrl, 'seatgrid_sse_events_sent_total', { stream: 'seats' })).toBeGreaterThanOrEqual(3);
  });

  it('should resume after Last-Event-ID with only the missed changes, and start over with a snapshot when it is too old', async () => {
    const event = await api.createEvent(3, 3);
    const keeper = await stream(api, event.id);
    const start = (await keeper.next()).data.version as number;
    const reply = await api.book('resume-1', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
    await api.waitForDecision(reply.body.bookingId);
    await keeper.next((sent) => sent.data.version === start + 2);

    const resumed = await stream(api, event.id, { 'last-event-id': String(start) });
    await resumed.next((sent) => sent.data.version === start + 2);
    expect(resumed.events.map((sent) => [sent.event, sent.data.version])).toEqual([
      ['seats', start + 1],
      ['seats', start + 2],
    ]);
    for (const lastEventId of [String(start - 1000), 'not-a-version']) {
      const restarted = await stream(api, event.id, { 'last-event-id': lastEventId });
      const first = await restarted.next();
      expect([first.event, first.data.version, first.data.seatMap.seats]).toEqual(['snapshot', start + 2, ['BAA', 'AAA', 'AAA']]);
    }
  });

  it('should send a fresh snapshot when the seat map is replaced whole', async () => {
    const event = await api.createEvent(2, 2);
    const client = await stream(api, event.id);
    const start = (await client.next()).data.version as number;
    // A lost projection: the next reader rebuilds it from PostgreSQL and announces a reset.
    await redis.del(...['seats', 'avail', 'version'].map((key) => `${env.name}:event:${event.id}:${key}`));
    await waitFor(async () => {
      await second.request('GET', `/events/${event.id}/seats`);
      return client.events.length > 1;
    }, 'the stream to notice the rebuilt seat map');
    const fresh = await client.next(() => true, { from: 1 });
    expect([fresh.event, fresh.data.version > start, fresh.data.seatMap.seats]).toEqual(['snapshot', true, ['AA', 'AA']]);
  });

  it('should drop a client that stops reading, and keep serving the others', async () => {
    const event = await api.createEvent(25, 40);
    const healthy = await stream(second, event.id);
    const start = (await healthy.next()).data.version as number;
    const open = () => metricValue(second.baseUrl, 'seatgrid_sse_streams_open', { stream: 'seats' });
    const drops = () => metricValue(second.baseUrl, 'seatgrid_sse_drops_total', { stream: 'seats', reason: 'backlog' });
    const [openBefore, dropsBefore] = [await open(), await drops()];
    const slow = await stalledStream(second.baseUrl, `/events/${event.id}/seats/stream`);
    await waitFor(async () => (await open()) === openBefore + 1, 'the slow stream to be open');

    // Large change batches, as the inventory announces them (version included), until the slow client has more unsent than allowed.
    const seats = Array.from({ length: 4000 }, (_, i) => i % 1000);
    let version = start;
    const announce = async () => {
      await redis.set(`${env.name}:event:${event.id}:version`, ++version);
      await redis.publish(`${env.name}:events:changed`, JSON.stringify({ eventId: event.id, version, available: 1000, status: 0, seats }));
    };
    for (let round = 0; round < 40 && (await drops()) === dropsBefore; round++) {
      for (let i = 0; i < 10; i++) await announce();
      await healthy.next((sent) => sent.data.version === version, { timeoutMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([await drops(), await open()]).toEqual([dropsBefore + 1, openBefore]);
    // Cut by the gateway: once the client reads again, it finds the end of what it had been sent.
    slow.resume();
    await new Promise((resolve) => slow.once('close', resolve));
    const batches = healthy.events.filter((sent) => sent.event === 'seats').map((sent) => sent.data.version);
    expect(batches).toEqual(Array.from({ length: version - start }, (_, i) => start + 1 + i));
  });

  it('should end its streams at shutdown, so that the gateway stops at once and clients reconnect elsewhere', async () => {
    const event = await api.createEvent(1, 1);
    const leaving = await env.start('gateway');
    const client = await SseClient.open(`${leaving.url}/events/${event.id}/seats/stream`);
    await client.next();
    const ended = new Promise((resolve) => client.response.once('end', resolve));
    expect(await leaving.stop()).toBe(0);
    await ended;
  });
});

/** A stream whose client never reads: the raw socket is left paused after the request is sent. */
function stalledStream(baseUrl: string, path: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`);
      resolve(socket);
    });
    socket.on('error', () => undefined); // a reset is how some cuts end
    socket.once('error', reject);
  });
}
