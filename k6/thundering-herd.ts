/**
 * Thundering herd: USERS distinct users try to book a small event (100 seats by default) at the
 * same instant, then wait for their booking to be decided. Afterwards teardown reads the
 * inventory straight from PostgreSQL and fails the run if a seat was sold twice or a booking was
 * left undecided.
 *
 *   k6 run -e BASE_URL=http://localhost:3000 k6/thundering-herd.ts
 *
 * Why per-vu-iterations with one iteration: k6 initialises every VU before the scenario starts
 * and then releases them together, so all requests leave in the same instant — there is no ramp
 * as with the VU-based executors, and no arrival-rate pacing. Each VU owns a fixed slice of the
 * users (user n goes to VU n mod VUS), unlike shared-iterations where fast VUs steal work, so
 * every user books exactly once. A VU fires all its users' POSTs back to back and only then
 * starts polling, so polling never delays the burst. VUS=USERS gives one request per VU (a pure
 * herd) but k6 needs a few MB per VU; the default of 1000 VUs × 10 users still lands all 10,000
 * requests within the first moments of the run.
 *
 * Environment (plus BASE_URL, POLL_*, GRACE from lib/seatgrid.ts; AUTH_*, ADMIN_TOKEN from lib/auth.ts):
 *   SEATS           event grid, "ROWSxCOLS" or a total                      (default 10x10)
 *   USERS           distinct users, one booking each                        (default 10000)
 *   VUS             VUs sharing them, at most USERS                         (default 1000)
 *   QUANTITY_SHARE  share of users asking for "best available" (quantity)   (default 0.2)
 *   MAX_QUANTITY    such a user asks for 1..MAX_QUANTITY seats               (default 2)
 *   ERROR_RATE      ceiling for http_req_failed and booking_errors          (default 0.01)
 *   INTAKE_P95      ms, p(95) of POST /bookings                             (default 750)
 *   INTAKE_P99      ms, p(99) of POST /bookings                             (default 1500)
 *   DECISION_P95    ms, p(95) from the 202 to a terminal status             (default 10000)
 *   MAX_DURATION    hard cap on the herd scenario                           (default 5m)
 */
import type { Options } from 'k6/options';
import {
  POLLING_GRACEFUL_STOP,
  TEARDOWN_TIMEOUT,
  TREND_STATS,
  awaitDecisions,
  book,
  buyersOfThisVu,
  createEvent,
  envDuration,
  envGrid,
  envInt,
  envNumber,
  failOnBrokenInvariants,
  newRunId,
  randomRequest,
  recordDecision,
  recordIntake,
  signIn,
  signInAdmin,
  trackAccepted,
  treatConflictAsExpected,
} from './lib/seatgrid.ts';
import type { PendingBooking } from './lib/seatgrid.ts';

const GRID = envGrid('SEATS', '10x10');
const TOTAL_SEATS = GRID.rows * GRID.cols;
const USERS = envInt('USERS', 10000);
const VUS = Math.min(envInt('VUS', 1000), USERS);
const QUANTITY_SHARE = envNumber('QUANTITY_SHARE', 0.2, 0, 1);
const MAX_QUANTITY = envInt('MAX_QUANTITY', 2, 1, 10);
const ERROR_RATE = envNumber('ERROR_RATE', 0.01, 0, 1);
// What a 2-core machine running generator and system together achieves (npm run bench: p95 ~0.5 s, p99 0.5-1.1 s).
const INTAKE_P95 = envNumber('INTAKE_P95', 750);
const INTAKE_P99 = envNumber('INTAKE_P99', 1500);
const DECISION_P95 = envNumber('DECISION_P95', 10000);
const MAX_DURATION = envDuration('MAX_DURATION', '5m');

treatConflictAsExpected();

export const options: Options = {
  setupTimeout: '60s',
  teardownTimeout: TEARDOWN_TIMEOUT,
  summaryTrendStats: TREND_STATS,
  scenarios: {
    herd: {
      executor: 'per-vu-iterations',
      vus: VUS,
      iterations: 1,
      maxDuration: MAX_DURATION.text,
      gracefulStop: POLLING_GRACEFUL_STOP,
    },
  },
  thresholds: {
    // 409 is marked expected (treatConflictAsExpected), so this counts 5xx, 4xx other than 409
    // and transport errors, on every request including the polls.
    http_req_failed: [`rate<${ERROR_RATE}`],
    booking_errors: [`rate<${ERROR_RATE}`],
    booking_intake_duration: [`p(95)<${INTAKE_P95}`, `p(99)<${INTAKE_P99}`],
    booking_decision_time: [`p(95)<${DECISION_P95}`],
    // Every accepted booking must be decided within POLL_TIMEOUT.
    bookings_unresolved: ['count==0'],
    // Somebody must win, and each confirmed booking owns ≥ 1 seat, so winners ≤ seats.
    bookings_confirmed: ['count>0', `count<=${TOTAL_SEATS}`],
  },
};

interface HerdData {
  runId: string;
  eventId: number;
  rows: number;
  cols: number;
}

export async function setup(): Promise<HerdData> {
  const runId = newRunId();
  await signInAdmin();
  const event = createEvent(`k6 thundering-herd ${runId}`, GRID);
  console.log(`event ${event.id}: ${event.rows}x${event.cols}, ${USERS} users on ${VUS} VUs`);
  return { runId, eventId: event.id, rows: event.rows, cols: event.cols };
}

export default async function (data: HerdData): Promise<void> {
  const grid = { rows: data.rows, cols: data.cols };
  const pending: PendingBooking[] = [];
  const userIds = buyersOfThisVu(`herd-${data.runId}`, USERS, VUS);
  // Tokens first (AUTH_MODE=jwt), as a provider would have issued them before the sale: signing stays out of the burst.
  await signIn(userIds);
  // Fire first, poll later: the burst stays a burst.
  for (const userId of userIds) {
    // One key per user: a retried request would be recognised as the same booking.
    const attempt = book(data.eventId, userId, randomRequest(grid, QUANTITY_SHARE, MAX_QUANTITY), userId);
    recordIntake(attempt);
    trackAccepted(attempt, userId, pending);
  }
  for (const decision of awaitDecisions(pending)) recordDecision(decision);
}

export function teardown(data: HerdData): void {
  failOnBrokenInvariants([data.eventId]);
}
