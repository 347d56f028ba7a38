import { setTimeout as sleep } from 'node:timers/promises';
import { type Grid, acceptedId, availableSeats, bookingRequest, createEvent, gridFor, pollUntilTerminal, randomChoice, seatAt, wallClock } from '../api.js';
import { checkEvents, settle } from '../invariants.js';
import { Recorder, closedLoop, connectionPool, seededRandom, send } from '../load.js';
import { UsageMeter } from '../processes.js';
import type { RunResult } from '../result.js';
import { type Context, outcomesOf, seatsTaken } from './common.js';

/** As k6/sold-out.ts: half the refused buyers ask for the best 1–4 seats, half for a (taken) seat. */
const QUANTITY_SHARE = 0.5;
const MAX_QUANTITY = 4;
const MAX_SEATS_PER_BOOKING = 10;
const SOLD_OUT_VISIBLE_TIMEOUT_MS = 30_000;

/**
 * Sold out: the event's seats are all sold first; then `concurrency` impatient clients hammer POST /bookings for
 * `durationS`. Each should get a fast 409; a 202 is legal today (decided REJECTED later) but costs a broker round trip.
 */
export async function soldOut({ system, options, log }: Context): Promise<RunResult> {
  const grid = gridFor(options.soldOutSeats);
  const eventId = await createEvent(system.gatewayUrl, 'bench sold-out', grid);
  const sellers = await sellOut(system.gatewayUrl, eventId, grid, options.pollTimeoutS * 1000);
  log(`sold-out: ${options.concurrency} clients for ${options.durationS} s at a sold-out event of ${options.soldOutSeats} seats`);

  const random = seededRandom(options.seed + 1);
  const pool = connectionPool(system.gatewayUrl, options.concurrency);
  const intake = new Recorder();
  const accepted: string[] = [];
  const meter = new UsageMeter(() => system.apps());
  let elapsedMs: number;
  try {
    elapsedMs = await closedLoop(options.concurrency, { durationMs: options.durationS * 1000 }, async (i) => {
      const reply = await send(pool, intake, bookingRequest(eventId, `soldout-${i}`, randomChoice(random, grid, QUANTITY_SHARE, MAX_QUANTITY)));
      const bookingId = acceptedId(reply);
      if (bookingId) accepted.push(bookingId);
    });
  } finally {
    await pool.close();
  }
  const usage = meter.stop();
  const ids = [...sellers.map((s) => s.bookingId), ...accepted];
  await settle(system, [eventId], ids.length, options.settleTimeoutS * 1000);
  const summary = intake.summary(elapsedMs);
  const answered = Object.values(summary.statusCodes).reduce((sum, n) => sum + n, 0);
  return {
    name: 'sold-out',
    title: 'Sold-out refusals (gateway)',
    kind: 'scenario',
    parameters: { seats: options.soldOutSeats, concurrency: options.concurrency, durationS: options.durationS },
    http: { intake: summary },
    metrics: { refusedShare: answered === 0 ? 0 : intake.count(409) / answered, accepted: accepted.length, seatsSold: await seatsTaken(system, [eventId]) },
    outcomes: await outcomesOf(system, accepted),
    usage,
    checks: await checkEvents(system, [eventId], ids, { gatewayUrl: system.gatewayUrl }),
  };
}

/** Books every seat in bookings of up to 10 and waits until each is CONFIRMED and the read side shows none left. */
async function sellOut(gatewayUrl: string, eventId: number, grid: Grid, pollTimeoutMs: number) {
  const total = grid.rows * grid.cols;
  const pool = connectionPool(gatewayUrl, 10);
  const recorder = new Recorder();
  try {
    const sellers = await Promise.all(
      Array.from({ length: Math.ceil(total / MAX_SEATS_PER_BOOKING) }, async (_, n) => {
        const seats = Array.from({ length: Math.min(MAX_SEATS_PER_BOOKING, total - n * MAX_SEATS_PER_BOOKING) }, (_, k) => seatAt(grid, n * MAX_SEATS_PER_BOOKING + k));
        const userId = `seller-${n}`;
        const reply = await send(pool, recorder, bookingRequest(eventId, userId, { seats }));
        const bookingId = acceptedId(reply);
        if (!bookingId) throw new Error(`sold-out setup: selling ${seats.length} seats got ${reply?.status ?? 'no answer'}`);
        const status = await pollUntilTerminal(pool, recorder, { bookingId, userId, answeredAt: wallClock() }, pollTimeoutMs);
        if (status !== 'CONFIRMED') throw new Error(`sold-out setup: booking ${bookingId} ended ${status ?? 'undecided'}, not CONFIRMED`);
        return { bookingId };
      }),
    );
    const deadline = performance.now() + SOLD_OUT_VISIBLE_TIMEOUT_MS;
    while ((await availableSeats(gatewayUrl, eventId)) !== 0) {
      if (performance.now() > deadline) throw new Error(`sold-out setup: GET /events/${eventId} still shows seats available`);
      await sleep(100);
    }
    return sellers;
  } finally {
    await pool.close();
  }
}
