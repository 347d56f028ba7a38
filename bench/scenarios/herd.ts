import { type Accepted, HEADER_IDENTITIES, type Identities, type SeatChoice, acceptedId, bookingRequest, createEvent, gridFor, pollUntilTerminal, randomChoice, wallClock } from '../api.js';
import { checkEvents, settle } from '../invariants.js';
import { type HttpSummary, type Reply, Recorder, closedLoop, connectionPool, evenArrivals, openLoop, seededRandom, send } from '../load.js';
import type { BenchOptions } from '../options.js';
import { UsageMeter } from '../processes.js';
import type { RunResult } from '../result.js';
import { type ProfileSummary, summarizeProfileDir } from '../profile.js';
import { type Context, decisionsOf, profileDirFor, seatsTaken } from './common.js';

/** As k6/thundering-herd.ts: a fifth of the buyers ask for the best 1–2 seats, the rest for one random seat. */
const QUANTITY_SHARE = 0.2;
const MAX_QUANTITY = 2;

/** The herd's requests, the same (seeded) for the gateway and both baselines. */
export function herdChoices(options: BenchOptions): SeatChoice[] {
  const random = seededRandom(options.seed);
  const grid = gridFor(options.seats);
  return Array.from({ length: options.users }, () => randomChoice(random, grid, QUANTITY_SHARE, MAX_QUANTITY));
}

export interface HerdLoad {
  intake: HttpSummary;
  /** Epoch ms of the last scheduled request, and of the last answer. */
  lastRequestAt: number;
  lastAnswerAt: number;
}

/**
 * The herd arrival pattern: `users` distinct users (X-User-Id) each send one POST /bookings, evenly spread over
 * `herdWindowMs`, open loop over at most `connections` connections. `onAnswer` runs per user after its answer
 * (the gateway's buyers poll there), without delaying later arrivals.
 */
export async function herdLoad(
  url: string,
  options: BenchOptions,
  eventId: number,
  userPrefix: string,
  onAnswer: (userId: string, reply: Reply | undefined) => Promise<void>,
  identities = HEADER_IDENTITIES,
): Promise<HerdLoad> {
  const choices = herdChoices(options);
  const offsets = evenArrivals(options.users, options.herdWindowMs);
  const pool = connectionPool(url, options.connections);
  const intake = new Recorder();
  let lastAnswer = 0;
  const start = performance.now();
  try {
    await openLoop(offsets, async (i, scheduledAt) => {
      const userId = `${userPrefix}-${i}`;
      const reply = await send(pool, intake, bookingRequest(eventId, userId, choices[i], identities), scheduledAt);
      lastAnswer = Math.max(lastAnswer, performance.now());
      await onAnswer(userId, reply);
    });
  } finally {
    await pool.close();
  }
  return { intake: intake.summary(), lastRequestAt: wallClock(start + offsets[offsets.length - 1]), lastAnswerAt: wallClock(lastAnswer) };
}

const WARM_UP_CLIENTS = 50;

/** The warm-up's buyers: one booking each. */
export const warmUpUsers = (options: BenchOptions) => Array.from({ length: Math.min(1000, Math.ceil(options.users / 10)) }, (_, i) => warmUpUser(i));
const warmUpUser = (i: number) => `warmup-${i}`;

/**
 * A fresh process is cold (JIT, connection pools, lazily built caches) and a live system is not when an on-sale
 * opens: each herd target first serves a tenth of the herd (at most 1,000) as unmeasured bookings on a warm-up
 * event of its own — and, if `readBack`, a status read of each. Resolves with the number of bookings accepted.
 */
export async function warmUp(url: string, eventId: number, options: BenchOptions, readBack: boolean, identities = HEADER_IDENTITIES): Promise<number> {
  const pool = connectionPool(url, WARM_UP_CLIENTS);
  const unmeasured = new Recorder();
  let accepted = 0;
  try {
    await closedLoop(WARM_UP_CLIENTS, { count: warmUpUsers(options).length }, async (i) => {
      const userId = warmUpUser(i);
      const bookingId = acceptedId(await send(pool, unmeasured, bookingRequest(eventId, userId, { quantity: 1 }, identities)));
      if (!bookingId) return;
      accepted++;
      if (readBack) await send(pool, unmeasured, { method: 'GET', path: `/bookings/${bookingId}`, headers: identities.buyer(userId) });
    });
  } finally {
    await pool.close();
  }
  return accepted;
}

/** The thundering herd against SeatGrid: every buyer then polls GET /bookings/{id} until a terminal status. */
export async function herd(context: Context): Promise<RunResult> {
  const run = await measuredHerd(context, 'herd', HEADER_IDENTITIES);
  return { ...run, name: 'herd', title: 'Thundering herd (gateway)', profile: await profiledHerd(context) };
}

/**
 * The herd, its buyers' polls, and the invariants after it, against the running gateway. `userPrefix` names the
 * herd's buyers (`<prefix>-<i>`), which `identities` must know.
 */
export async function measuredHerd({ system, options, log }: Context, userPrefix: string, identities: Identities): Promise<Omit<RunResult, 'name' | 'title'>> {
  await warmUpFor(system, options, `bench ${userPrefix} warm-up`, identities);
  const eventId = await createEvent(system.gatewayUrl, `bench ${userPrefix}`, gridFor(options.seats), identities);
  log(`${userPrefix}: ${options.users} users → ${options.seats} seats within ${options.herdWindowMs} ms`);
  const polls = new Recorder();
  const pollPool = connectionPool(system.gatewayUrl, options.pollConnections);
  const accepted: Accepted[] = [];
  const polled = new Map<string, string | undefined>();
  const meter = new UsageMeter(() => system.apps());
  let load: HerdLoad;
  try {
    const onAnswer = async (userId: string, reply: Reply | undefined) => {
      const bookingId = acceptedId(reply);
      if (!bookingId) return;
      const booking = { bookingId, userId, answeredAt: wallClock() };
      accepted.push(booking);
      polled.set(bookingId, await pollUntilTerminal(pollPool, polls, booking, options.pollTimeoutS * 1000, identities));
    };
    load = await herdLoad(system.gatewayUrl, options, eventId, userPrefix, onAnswer, identities);
  } finally {
    await pollPool.close();
  }
  const usage = meter.stop();
  const ids = accepted.map((a) => a.bookingId);
  await settle(system, [eventId], ids.length, options.settleTimeoutS * 1000);
  const decided = await decisionsOf(system, accepted);
  const lastDecidedAt = decided.lastDecidedAt ?? Number.NaN;
  return {
    kind: 'scenario',
    parameters: { users: options.users, seats: options.seats, windowMs: options.herdWindowMs, connections: options.connections, pollConnections: options.pollConnections },
    http: { intake: load.intake, polls: polls.summary() },
    decisionMs: decided.decisionMs,
    metrics: {
      accepted: accepted.length,
      seatsSold: await seatsTaken(system, [eventId]),
      lastDecisionAfterLastRequestMs: Math.round(lastDecidedAt - load.lastRequestAt),
      lastDecisionAfterLastAnswerMs: Math.round(lastDecidedAt - load.lastAnswerAt),
    },
    outcomes: decided.outcomes,
    usage,
    checks: await checkEvents(system, [eventId], ids, { gatewayUrl: system.gatewayUrl, polled }),
  };
}

/** A warm-up event served and decided before the measured work, or the inventory would still be busy with it. */
async function warmUpFor(system: Context['system'], options: BenchOptions, name: string, identities = HEADER_IDENTITIES): Promise<void> {
  const warmUpEvent = await createEvent(system.gatewayUrl, name, gridFor(options.seats), identities);
  await settle(system, [warmUpEvent], await warmUp(system.gatewayUrl, warmUpEvent, options, true, identities), options.settleTimeoutS * 1000);
}

/**
 * Where the gateway's CPU goes in a herd: the same herd again on a fresh event, against a gateway that writes a
 * V8 CPU profile (the profiler's own cost stays out of the measured run). The gateway is restarted without it after.
 */
async function profiledHerd({ system, options, log }: Context): Promise<ProfileSummary | undefined> {
  const profileDir = await profileDirFor('herd-gateway');
  await system.restartGateway({}, profileDir);
  try {
    await warmUpFor(system, options, 'bench herd warm-up (profiled)');
    const eventId = await createEvent(system.gatewayUrl, 'bench herd (profiled)', gridFor(options.seats));
    log('herd: the same herd again under the CPU profiler');
    let accepted = 0;
    await herdLoad(system.gatewayUrl, options, eventId, 'profiled', async (_, reply) => void (acceptedId(reply) && accepted++));
    await settle(system, [eventId], accepted, options.settleTimeoutS * 1000);
  } finally {
    await system.restartGateway();
  }
  return summarizeProfileDir(profileDir, 'gateway');
}
