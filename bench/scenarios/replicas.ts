import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { acceptedId, bookingRequest, createEvent, gridFor, seatAt, type Grid } from '../api.js';
import { checkEvents, settle } from '../invariants.js';
import { Recorder, connectionPool, evenArrivals, openLoop, seededRandom, send } from '../load.js';
import { type Child, UsageMeter } from '../processes.js';
import type { RunResult } from '../result.js';
import type { BenchSystem, BookingCommand } from '../system.js';
import { type Context, allDecided, cpuPerDecision, decisionRate, outcomesOf } from './common.js';

/** Replica counts measured on the same backlog, and the events it is spread over. */
const REPLICA_COUNTS = [1, 2, 4];
const EVENTS = 64;
const FAILOVER_REPLICAS = 3;
const SHARDS_OWNED = 'seatgrid_inventory_shards_owned';

/**
 * Issue 14's scale-out table: the same backlog of booking requests (distinct seats over 64 events) decided by 1, 2
 * and 4 inventory replicas — each set started first and left to split the shard queues, then the backlog put straight
 * on the broker — and a herd during which one of three replicas is SIGKILLed. On one machine the totals cannot grow;
 * what predicts scaling on real nodes is that the CPU per decision stays flat.
 */
export async function replicas(context: Context): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  try {
    for (const count of REPLICA_COUNTS) runs.push(await decidedByReplicas(context, count));
    runs.push(await failover(context));
  } finally {
    await context.system.stopInventory();
    await context.system.startInventory();
  }
  return runs;
}

async function decidedByReplicas({ system, options, log }: Context, count: number): Promise<RunResult> {
  await system.stopInventory();
  const started = await system.startInventories(count);
  await waitForSplit(started, shardCount(system));
  const perEvent = Math.ceil(options.decisions / EVENTS);
  const grid = gridFor(perEvent);
  const eventIds = await createEvents(system, EVENTS, grid, `bench replicas ×${count}`);
  const commands = Array.from({ length: options.decisions }, (_, i): BookingCommand => ({
    bookingId: randomUUID(),
    eventId: eventIds[i % EVENTS],
    userId: `replica-${count}-${i}`,
    seats: [seatAt(grid, Math.floor(i / EVENTS))],
  }));
  const ids = commands.map((command) => command.bookingId);
  log(`replicas ×${count}: ${commands.length} requests over ${EVENTS} events, straight to the broker`);
  const deciding = new UsageMeter(() => system.apps());
  await publishCommands(system, commands);
  await allDecided(system, ids, options.settleTimeoutS * 1000);
  const usage = deciding.stop();
  await settle(system, eventIds, ids.length, options.settleTimeoutS * 1000);
  const rate = await decisionRate(system, ids);
  return {
    name: `replicas-${count}`,
    title: `Inventory decisions with ${count} replica${count > 1 ? 's' : ''} (backlog over ${EVENTS} events)`,
    kind: 'scenario',
    parameters: { replicas: count, bookings: commands.length, events: EVENTS, shards: shardCount(system) },
    http: {},
    metrics: { decided: rate.decided, decisionsPerSecond: rate.perSecond, decidingSpanMs: rate.spanMs, transactions: rate.transactions, ...cpuPerDecision(usage, rate.decided) },
    outcomes: await outcomesOf(system, ids),
    usage,
    checks: await checkEvents(system, eventIds, ids, { gatewayUrl: system.gatewayUrl }),
  };
}

/**
 * The herd through the gateway over events on every shard, three replicas deciding; halfway through the arrivals
 * one replica is SIGKILLed. Measured: how long until the survivors own every shard again, and that every accepted
 * booking was decided once.
 */
async function failover({ system, options, log }: Context): Promise<RunResult> {
  await system.stopInventory();
  const [victim, ...survivors] = await system.startInventories(FAILOVER_REPLICAS);
  await waitForSplit([victim, ...survivors], shardCount(system));
  const grid = gridFor(options.seats);
  const eventIds = await eventsOnEveryShard(system, grid);
  log(`replica failover: ${options.users} buyers over ${eventIds.length} events; one of ${FAILOVER_REPLICAS} replicas SIGKILLed halfway`);
  const random = seededRandom(options.seed);
  const pool = connectionPool(system.gatewayUrl, options.connections);
  const intake = new Recorder();
  const accepted: string[] = [];
  const meter = new UsageMeter(() => system.apps());
  let failoverMs = Number.NaN;
  try {
    const offsets = evenArrivals(options.users, options.herdWindowMs);
    const killed = sleep(options.herdWindowMs / 2).then(async () => {
      await victim.kill();
      failoverMs = await msUntil(async () => (await ownedBy(survivors)) === shardCount(system), options.settleTimeoutS * 1000);
    });
    await openLoop(offsets, async (i, scheduledAt) => {
      const eventId = eventIds[Math.floor(random() * eventIds.length)];
      const seat = { row: 1 + Math.floor(random() * grid.rows), col: 1 + Math.floor(random() * grid.cols) };
      const bookingId = acceptedId(await send(pool, intake, bookingRequest(eventId, `failover-${i}`, { seats: [seat] }), scheduledAt));
      if (bookingId) accepted.push(bookingId);
    });
    await killed;
  } finally {
    await pool.close();
  }
  await settle(system, eventIds, accepted.length, options.settleTimeoutS * 1000);
  return {
    name: 'replica-failover',
    title: `Herd with one of ${FAILOVER_REPLICAS} inventory replicas SIGKILLed halfway`,
    kind: 'scenario',
    parameters: { replicas: FAILOVER_REPLICAS, users: options.users, events: eventIds.length, windowMs: options.herdWindowMs, shards: shardCount(system) },
    http: { intake: intake.summary() },
    metrics: { accepted: accepted.length, shardsOwnedAgainAfterMs: Math.round(failoverMs) },
    outcomes: await outcomesOf(system, accepted),
    usage: meter.stop(),
    checks: await checkEvents(system, eventIds, accepted, { gatewayUrl: system.gatewayUrl }),
  };
}

/** Commands published as the gateways would, persistent and confirmed by the broker, in chunks. */
async function publishCommands(system: BenchSystem, commands: BookingCommand[]): Promise<void> {
  const connection = await amqp.connect(system.appEnv.RABBITMQ_URL);
  try {
    const channel = await connection.createConfirmChannel();
    const { exchange, messageName, routingKey, message } = system.commands;
    for (let i = 0; i < commands.length; i += 1000) {
      for (const command of commands.slice(i, i + 1000)) {
        const body = Buffer.from(JSON.stringify(message(command)));
        channel.publish(exchange, routingKey(command.eventId), body, { persistent: true, type: messageName, messageId: `booking.requested:${command.bookingId}`, contentType: 'application/json' });
      }
      await channel.waitForConfirms();
    }
  } finally {
    await connection.close();
  }
}

async function createEvents(system: BenchSystem, count: number, grid: Grid, name: string): Promise<number[]> {
  const ids: number[] = [];
  for (let n = 0; n < count; n++) ids.push(await createEvent(system.gatewayUrl, `${name} #${n}`, grid));
  return ids;
}

/** New events until every shard queue has one. */
async function eventsOnEveryShard(system: BenchSystem, grid: Grid): Promise<number[]> {
  const byShard = new Map<string, number>();
  while (byShard.size < shardCount(system)) {
    const eventId = await createEvent(system.gatewayUrl, 'bench replica failover', grid);
    const shard = system.commands.routingKey(eventId).split('.')[0];
    if (!byShard.has(shard)) byShard.set(shard, eventId);
  }
  return [...byShard.values()];
}

function shardCount(system: BenchSystem): number {
  return system.commands.shards;
}

async function waitForSplit(replicas: Child[], shards: number): Promise<void> {
  const fair = Math.floor(shards / replicas.length);
  const balanced = async () => {
    const owned = await Promise.all(replicas.map((replica) => shardsOwned(replica)));
    return owned.reduce((sum, n) => sum + n, 0) === shards && owned.every((n) => n === fair || n === fair + 1);
  };
  if (Number.isNaN(await msUntil(balanced, 30_000))) throw new Error(`${replicas.length} inventory replicas did not split ${shards} shards within 30 s`);
}

async function ownedBy(replicas: Child[]): Promise<number> {
  return (await Promise.all(replicas.map((replica) => shardsOwned(replica)))).reduce((sum, n) => sum + n, 0);
}

async function shardsOwned(replica: Child): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${SHARDS_OWNED} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** Milliseconds until `condition` holds (polled every 50 ms), or NaN after `timeoutMs`. */
async function msUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await condition()) return performance.now() - start;
    await sleep(50);
  }
  return Number.NaN;
}
