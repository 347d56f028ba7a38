import type { Channel, ConsumeMessage } from 'amqplib';
import { bookingRetryPolicy, bookingTopology, commandRoutingKey, declareBookingTopology, RETRY_DELAYS_MS, retriesOf, shardOf } from './booking-topology.js';

const topology = bookingTopology('sg', 16);
const withDeaths = (deaths: unknown) => ({ properties: { headers: { 'x-death': deaths } } }) as unknown as ConsumeMessage;

describe('booking topology', () => {
  it('should route every message about one event to one shard, spreading events over all shards', () => {
    expect(commandRoutingKey('booking.requested.v1', 42, 16)).toBe(`shard-${shardOf(42, 16)}.booking.requested.v1.42`);
    expect(commandRoutingKey('booking.cancel-requested.v1', 42, 16)).toMatch(new RegExp(`^shard-${shardOf(42, 16)}\\.`));
    const used = new Set(Array.from({ length: 1000 }, (_, i) => shardOf(i + 1, 16)));
    expect(used.size).toBe(16);
  });

  it('should count retries from the broker’s x-death entries of its retry queues only', () => {
    expect(retriesOf(withDeaths(undefined), topology.retryQueues)).toBe(0);
    const deaths = [
      { queue: topology.retryQueues[0], reason: 'expired', count: 1 },
      { queue: topology.retryQueues[1], reason: 'expired', count: 1 },
      { queue: topology.shardQueues[3], reason: 'delivery_limit', count: 5 },
    ];
    expect(retriesOf(withDeaths(deaths), topology.retryQueues)).toBe(2);
  });

  it('should treat a header it cannot read as retries used up, so that a forged header ends in the dead-letter queue', () => {
    for (const forged of ['x', 7, [{ queue: topology.retryQueues[0], count: 'x' }], [{ queue: topology.retryQueues[0], count: -1 }]]) {
      expect(retriesOf(withDeaths(forged), topology.retryQueues)).toBe(Infinity);
    }
  });

  it('should hold the retry of attempt n for the n-th delay, then route it back to the commands', async () => {
    const queueArguments = new Map<string, unknown>();
    const bindings: { queue: string; exchange: string }[] = [];
    const channel = {
      assertExchange: async () => undefined,
      assertQueue: async (queue: string, options: { arguments: unknown }) => queueArguments.set(queue, options.arguments),
      bindQueue: async (queue: string, exchange: string) => bindings.push({ queue, exchange }),
    } as unknown as Channel;
    await declareBookingTopology(channel, topology);
    const policy = bookingRetryPolicy(topology);

    expect(policy.delaysMs).toEqual(RETRY_DELAYS_MS);
    for (const [attempt, delay] of RETRY_DELAYS_MS.entries()) {
      const holding = bindings.filter((binding) => binding.exchange === policy.retryExchange(attempt)).map((binding) => binding.queue);
      expect(holding).toHaveLength(1);
      expect(queueArguments.get(holding[0])).toMatchObject({ 'x-message-ttl': delay, 'x-dead-letter-exchange': topology.commandsExchange });
    }
  });
});
