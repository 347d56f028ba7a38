import { Redis } from 'ioredis';
import { shardOf } from '@app/booking';
import type { EventDetailsView, EventView } from '@app/contracts';
import type { GatewayClient } from './support/api.js';
import { brokenInvariants } from './support/invariants.js';
import { bookingRequest, publishRaw } from './support/messages.js';
import { metricValue } from './support/metrics.js';
import { SERVICES, type RunningApp, TestEnvironment, waitFor } from './support/test-system.js';

const SHARDS = 8;
const FAILOVER_BUDGET_MS = 15_000;

describe('inventory shards over replicas', () => {
  const env = new TestEnvironment({ SHARDS: String(SHARDS), SHARD_LEASE_SECONDS: '3', PAYMENT_LATENCY_MS: '20', PAYMENT_TIMEOUT_MS: '500' });
  let api: GatewayClient;
  let replicas: RunningApp[] = [];

  beforeAll(async () => {
    api = await env.startSystem({ inventories: 0 });
  });
  afterEach(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    replicas = [];
  });
  afterAll(() => env.destroy());

  const startReplicas = async (count: number) => {
    const started = await Promise.all(Array.from({ length: count }, () => env.start('inventory')));
    replicas.push(...started);
    return started;
  };
  const shardsOwned = (apps: RunningApp[]) => Promise.all(apps.map((app) => metricValue(app.url, 'seatgrid_inventory_shards_owned')));
  /** Each shard queue has exactly one consumer, and the replicas own `counts` shards (in any order). */
  const waitForSplit = (apps: RunningApp[], counts: number[], timeoutMs = 10_000) =>
    waitFor(
      async () => {
        const owned = (await shardsOwned(apps)).sort((a, b) => a - b);
        return JSON.stringify(owned) === JSON.stringify(counts) && (await consumersPerShard()).every((consumers) => consumers === 1);
      },
      `shards split ${counts.join('/')} over ${apps.length} replicas`,
      timeoutMs,
    );
  const consumersPerShard = async () => {
    const { channel, close } = await env.amqpChannel();
    try {
      return await Promise.all(env.topology.shardQueues.map(async (queue) => (await channel.checkQueue(queue)).consumerCount));
    } finally {
      await close();
    }
  };

  it('should spread the shards within one of each other over the live replicas, and rebalance when one joins', async () => {
    const [first] = await startReplicas(1);
    await waitForSplit([first], [8]);
    const [second] = await startReplicas(1);
    await waitForSplit([first, second], [4, 4]);
    const [third] = await startReplicas(1);
    await waitForSplit([first, second, third], [2, 3, 3]);
  }, 90_000);

  it('should hand a SIGKILLed replica’s shards to the survivors within 15 s, deciding every accepted booking of a herd in flight once', async () => {
    const [victim, ...survivors] = await startReplicas(3);
    await waitForSplit([victim, ...survivors], [2, 3, 3]);
    const events = await eventsOnEveryShard(4, 5);
    const requests = events.flatMap((event) =>
      Array.from({ length: 40 }, (_, i) => ({
        event,
        buyer: `fan-${event.id}-${i}`,
        body: i % 5 === 0 ? { eventId: event.id, quantity: 2 } : { eventId: event.id, seats: [{ row: (i % 4) + 1, col: (i % 5) + 1 }] },
      })),
    );
    const send = (batch: typeof requests) => Promise.all(batch.map(async (request) => ({ ...request, reply: await api.book(request.buyer, request.body) })));
    const early = await send(requests.slice(0, requests.length / 2));
    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    const late = await send(requests.slice(requests.length / 2));

    await waitFor(async () => (await shardsOwned(survivors)).reduce((sum, n) => sum + n, 0) === SHARDS, 'the survivors to own every shard', FAILOVER_BUDGET_MS);
    expect(Date.now() - killedAt).toBeLessThan(FAILOVER_BUDGET_MS);
    await waitForSplit(survivors, [4, 4]);
    const accepted = [...early, ...late].filter((request) => request.reply.status === 202);
    expect(accepted.length).toBeGreaterThan(events.length * 10);
    await Promise.all(accepted.map((request) => api.waitForDecision(request.reply.body.bookingId, { timeoutMs: 30_000 })));
    for (const event of events) {
      const ids = accepted.filter((request) => request.event === event).map((request) => request.reply.body.bookingId as string);
      expect(await brokenInvariants(env, event.id, ids, api.baseUrl)).toEqual([]);
    }
  }, 120_000);

  it('should never sell a seat twice, nor move a seat map version backwards, when two replicas decide one event at once', async () => {
    const pair = await startReplicas(2);
    await waitForSplit(pair, [4, 4]);
    const event = await api.createEvent(5, 5);
    const versions = await watchSeatMapVersions(event.id);
    // Half of the bookings go to the event's own shard and half to the next one, which the other replica owns.
    const shards = [shardOf(event.id, SHARDS), (shardOf(event.id, SHARDS) + 1) % SHARDS];
    const requests = Array.from({ length: 120 }, (_, i) => bookingRequest(event.id, { userId: `fan-${i}`, seats: [{ row: (i % 5) + 1, col: ((i * 3) % 5) + 1 }] }));
    const { channel, close } = await env.amqpChannel();
    try {
      await Promise.all(requests.map((request, i) => publishRaw(channel, env.topology, request, { eventId: event.id, shard: shards[i % 2], messageId: request.bookingId })));
    } finally {
      await close();
    }
    const ids = requests.map((request) => request.bookingId);
    await waitFor(async () => (await env.sql(`SELECT 1 FROM bookings WHERE id = ANY($1::uuid[]) AND status NOT IN ('PENDING', 'HELD')`, [ids])).length === ids.length, 'every booking decided', 30_000);
    versions.stop();

    expect(await brokenInvariants(env, event.id, ids, api.baseUrl)).toEqual([]);
    for (const replica of pair) expect(await metricValue(replica.url, 'seatgrid_bookings_decided_total')).toBeGreaterThan(0);
    expect(versions.seen.length).toBeGreaterThan(1);
    expect(versions.seen).toEqual([...versions.seen].sort((a, b) => a - b));
    expect(new Set(versions.seen).size).toBe(versions.seen.length);
    const [{ available }] = await env.sql<{ available: number }>(`SELECT count(*)::int AS available FROM seats WHERE event_id = $1 AND status = 'AVAILABLE'`, [event.id]);
    await waitFor(async () => (await api.request<EventDetailsView>('GET', `/events/${event.id}`)).body.available === available, 'the seat map to agree with PostgreSQL');
  }, 90_000);

  /** Events (rows × cols) until every shard has one. */
  async function eventsOnEveryShard(rows: number, cols: number): Promise<EventView[]> {
    const byShard = new Map<number, EventView>();
    while (byShard.size < SHARDS) {
      const event = await api.createEvent(rows, cols);
      if (!byShard.has(shardOf(event.id, SHARDS))) byShard.set(shardOf(event.id, SHARDS), event);
    }
    return [...byShard.values()];
  }

  /** The seat map versions the projection announces for one event, in the order Redis delivered them. */
  async function watchSeatMapVersions(eventId: number): Promise<{ seen: number[]; stop(): void }> {
    const subscriber = new Redis(SERVICES.REDIS);
    const seen: number[] = [];
    await subscriber.subscribe(`${env.config.redis.prefix}:events:changed`);
    subscriber.on('message', (_, text: string) => {
      const notice = JSON.parse(text) as { eventId: number; version: number };
      if (notice.eventId === eventId) seen.push(notice.version);
    });
    return { seen, stop: () => subscriber.disconnect() };
  }
});
