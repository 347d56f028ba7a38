import { type Accepted, acceptedId, bookingRequest, createEvent, gridFor, pollUntilTerminal, randomChoice, wallClock } from '../api.js';
import { checkEvents, settle } from '../invariants.js';
import { Recorder, connectionPool, evenArrivals, openLoop, seededRandom, send } from '../load.js';
import { UsageMeter } from '../processes.js';
import type { RunResult } from '../result.js';
import { type Context, decisionsOf, seatsTaken } from './common.js';

/** As k6/mixed.ts: half reads, half bookings; bookings ask for 1–4 best seats half of the time. */
const READ_SHARE = 0.5;
const QUANTITY_SHARE = 0.5;
const MAX_QUANTITY = 4;

/**
 * Mixed traffic at a fixed arrival rate (open loop) over several events: reads alternate between GET /events/{id}
 * and a revalidating GET /events/{id}/seats; every accepted booking is polled until decided.
 */
export async function mixed({ system, options, log }: Context): Promise<RunResult> {
  const grid = gridFor(options.seatMapSeats);
  const eventIds: number[] = [];
  for (let n = 0; n < options.mixedEvents; n++) eventIds.push(await createEvent(system.gatewayUrl, `bench mixed ${n}`, grid));
  const arrivals = Math.round(options.mixedRate * options.durationS);
  log(`mixed: ${options.mixedRate}/s for ${options.durationS} s over ${options.mixedEvents} events of ${grid.rows}×${grid.cols}`);

  const random = seededRandom(options.seed + 2);
  const pool = connectionPool(system.gatewayUrl, options.connections);
  const pollPool = connectionPool(system.gatewayUrl, options.pollConnections);
  const recorders = { reads: new Recorder(), intake: new Recorder(), polls: new Recorder() };
  const etags = new Map<number, string>();
  const accepted: Accepted[] = [];
  const polled = new Map<string, string | undefined>();
  const meter = new UsageMeter(() => system.apps());
  try {
    await openLoop(evenArrivals(arrivals, options.durationS * 1000), async (i, scheduledAt) => {
      const eventId = eventIds[i % eventIds.length];
      if (random() < READ_SHARE) {
        const etag = etags.get(eventId);
        const request = i % 4 < 2 ? { path: `/events/${eventId}` } : { path: `/events/${eventId}/seats`, headers: etag ? { 'if-none-match': etag } : undefined };
        const reply = await send(pool, recorders.reads, { method: 'GET', ...request }, scheduledAt);
        const newTag = reply?.headers.etag;
        if (typeof newTag === 'string') etags.set(eventId, newTag);
        return;
      }
      const userId = `mixed-${i}`;
      const reply = await send(pool, recorders.intake, bookingRequest(eventId, userId, randomChoice(random, grid, QUANTITY_SHARE, MAX_QUANTITY)), scheduledAt);
      const bookingId = acceptedId(reply);
      if (!bookingId) return;
      const booking = { bookingId, userId, answeredAt: wallClock() };
      accepted.push(booking);
      polled.set(bookingId, await pollUntilTerminal(pollPool, recorders.polls, booking, options.pollTimeoutS * 1000));
    });
  } finally {
    await Promise.all([pool.close(), pollPool.close()]);
  }
  const usage = meter.stop();
  const ids = accepted.map((a) => a.bookingId);
  await settle(system, eventIds, ids.length, options.settleTimeoutS * 1000);
  const decided = await decisionsOf(system, accepted);
  return {
    name: 'mixed',
    title: 'Mixed reads and bookings (gateway)',
    kind: 'scenario',
    parameters: { ratePerS: options.mixedRate, durationS: options.durationS, events: options.mixedEvents, seatsPerEvent: options.seatMapSeats },
    http: { reads: recorders.reads.summary(), intake: recorders.intake.summary(), polls: recorders.polls.summary() },
    decisionMs: decided.decisionMs,
    metrics: { accepted: accepted.length, seatsSold: await seatsTaken(system, eventIds) },
    outcomes: decided.outcomes,
    usage,
    checks: await checkEvents(system, eventIds, ids, { gatewayUrl: system.gatewayUrl, polled }),
  };
}
