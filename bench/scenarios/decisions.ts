import { TERMINAL_STATUSES, acceptedId, bookingRequest, createEvent, gridFor, seatAt } from '../api.js';
import { checkEvents, settle } from '../invariants.js';
import { Recorder, closedLoop, connectionPool, send } from '../load.js';
import { UsageMeter } from '../processes.js';
import type { RunResult } from '../result.js';
import { summarizeProfileDir } from '../profile.js';
import { type Context, allDecided, cpuPerDecision, decisionRate, outcomesOf, profileDirFor, seatsTaken } from './common.js';

/**
 * Inventory decision rate: with the inventory stopped, `decisions` bookings of distinct seats are accepted through
 * the gateway into the queue; then a fresh inventory decides the backlog. The rate comes from PostgreSQL: bookings
 * decided after the first deciding transaction began, over the time between the first and the last transaction's
 * start (updated_at) — so the inventory's start-up and the first batch's cost do not count, and no polling is needed.
 */
export async function decisions({ system, options, log }: Context): Promise<RunResult> {
  const grid = gridFor(options.decisions);
  const eventId = await createEvent(system.gatewayUrl, 'bench decisions', grid);
  await system.stopInventory();
  log(`decisions: queueing ${options.decisions} bookings of distinct seats with the inventory stopped`);

  const pool = connectionPool(system.gatewayUrl, options.concurrency);
  const intake = new Recorder();
  const accepted: string[] = [];
  let elapsedMs: number;
  try {
    elapsedMs = await closedLoop(options.concurrency, { count: options.decisions }, async (i) => {
      const bookingId = acceptedId(await send(pool, intake, bookingRequest(eventId, `decide-${i}`, { seats: [seatAt(grid, i)] })));
      if (bookingId) accepted.push(bookingId);
    });
  } finally {
    await pool.close();
  }

  log(`decisions: starting the inventory on a backlog of ${accepted.length}`);
  const meter = new UsageMeter(() => system.apps());
  const deciding = new UsageMeter(() => system.apps());
  const profileDir = await profileDirFor('decisions-inventory');
  await system.startInventory(profileDir);
  await allDecided(system, accepted, options.settleTimeoutS * 1000);
  const decidingUsage = deciding.stop();
  await settle(system, [eventId], accepted.length, options.settleTimeoutS * 1000);
  const usage = meter.stop();
  await system.stopInventory();
  const profile = await summarizeProfileDir(profileDir, 'inventory');
  await system.startInventory();
  // The inventory's decision is the batch transaction that holds a booking's seats or rejects it; payment and
  // confirmation come after, paced by the payment provider (PAYMENT_LATENCY_MS, PAYMENT_CONCURRENCY).
  const rate = await decisionRate(system, accepted);
  const [saga] = await system.sql<{ after_first: number; span_ms: number }>(
    `WITH d AS (SELECT updated_at FROM bookings WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[]))
     SELECT count(*) FILTER (WHERE updated_at > (SELECT min(updated_at) FROM d))::int AS after_first,
            coalesce(extract(epoch FROM max(updated_at) - min(updated_at)) * 1000, 0)::float8 AS span_ms
     FROM d`,
    [accepted, TERMINAL_STATUSES],
  );
  return {
    name: 'decisions',
    title: 'Inventory decisions per second (backlog)',
    kind: 'scenario',
    parameters: { bookings: options.decisions, intakeConcurrency: options.concurrency },
    http: { intake: intake.summary(elapsedMs) },
    metrics: {
      accepted: accepted.length,
      decided: rate.decided,
      decisionsPerSecond: rate.perSecond,
      decidingSpanMs: rate.spanMs,
      transactions: rate.transactions,
      sagaCompletionsPerSecond: saga.span_ms > 0 ? Math.round((saga.after_first / saga.span_ms) * 1000) : 0,
      ...cpuPerDecision(decidingUsage, rate.decided),
      seatsSold: await seatsTaken(system, [eventId]),
    },
    outcomes: await outcomesOf(system, accepted),
    usage,
    profile,
    checks: await checkEvents(system, [eventId], accepted, { gatewayUrl: system.gatewayUrl }),
  };
}
