/**
 * Sold out: setup creates a tiny event and sells every seat (and checks the read path agrees it is
 * sold out); then VUS VUs hammer POST /bookings for DURATION. Every request should be refused with
 * a fast 409 — the gateway must not queue work for an event that has nothing left. Teardown checks
 * that no extra seat was sold and no booking was left undecided.
 *
 *   k6 run -e BASE_URL=http://localhost:3000 k6/sold-out.ts
 *
 * constant-vus with no think time: a closed loop of impatient clients, so the refusal path is
 * pushed as hard as the VUs allow and its latency is measured under that pressure.
 *
 * Environment (plus BASE_URL, POLL_*, GRACE from lib/seatgrid.ts; AUTH_*, ADMIN_TOKEN from lib/auth.ts):
 *   SEATS              event grid, "ROWSxCOLS" or a total                         (default 2x5)
 *   VUS                hammering VUs                                              (default 200)
 *   DURATION           how long they hammer                                       (default 30s)
 *   QUANTITY_SHARE     share of requests asking for quantity instead of a seat    (default 0.5)
 *   MAX_QUANTITY       such a request asks for 1..MAX_QUANTITY seats              (default 4)
 *   REFUSAL_P95        ms, p(95) of POST /bookings                                (default 100)
 *   REFUSAL_P99        ms, p(99) of POST /bookings                                (default 250)
 *   MIN_REFUSED_SHARE  share of POST /bookings that must be 409                   (default 0.99)
 *   ERROR_RATE         ceiling for http_req_failed and booking_errors             (default 0.01)
 *   SELL_OUT_TIMEOUT   how long setup waits for GET /events/{id} to show 0 available (default 30s)
 */
import { sleep } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { Rate } from 'k6/metrics';
import {
  MAX_SEATS_PER_BOOKING,
  POLL,
  TEARDOWN_TIMEOUT,
  TREND_STATS,
  abort,
  awaitDecisions,
  book,
  createEvent,
  envDuration,
  envGrid,
  envInt,
  envNumber,
  failOnBrokenInvariants,
  getEvent,
  newRunId,
  randomRequest,
  recordIntake,
  signIn,
  signInAdmin,
  treatConflictAsExpected,
} from './lib/seatgrid.ts';
import type { Grid, PendingBooking, Seat } from './lib/seatgrid.ts';

const GRID = envGrid('SEATS', '2x5');
const VUS = envInt('VUS', 200);
const DURATION = envDuration('DURATION', '30s');
const QUANTITY_SHARE = envNumber('QUANTITY_SHARE', 0.5, 0, 1);
const MAX_QUANTITY = envInt('MAX_QUANTITY', 4, 1, 10);
const REFUSAL_P95 = envNumber('REFUSAL_P95', 100);
const REFUSAL_P99 = envNumber('REFUSAL_P99', 250);
const MIN_REFUSED_SHARE = envNumber('MIN_REFUSED_SHARE', 0.99, 0, 1);
const ERROR_RATE = envNumber('ERROR_RATE', 0.01, 0, 1);
const SELL_OUT_TIMEOUT = envDuration('SELL_OUT_TIMEOUT', '30s');

/** Share of hammering POST /bookings answered 409. */
const refusedShare = new Rate('sold_out_refused');

treatConflictAsExpected();

export const options: Options = {
  // Selling out polls every booking to CONFIRMED and then waits for the read path.
  setupTimeout: `${Math.ceil(POLL.timeoutS + SELL_OUT_TIMEOUT.seconds) + 60}s`,
  teardownTimeout: TEARDOWN_TIMEOUT,
  summaryTrendStats: TREND_STATS,
  scenarios: {
    hammer: { executor: 'constant-vus', vus: VUS, duration: DURATION.text },
  },
  thresholds: {
    booking_intake_duration: [`p(95)<${REFUSAL_P95}`, `p(99)<${REFUSAL_P99}`],
    sold_out_refused: [`rate>=${MIN_REFUSED_SHARE}`],
    booking_errors: [`rate<${ERROR_RATE}`],
    http_req_failed: [`rate<${ERROR_RATE}`],
  },
};

interface SoldOutData {
  runId: string;
  eventId: number;
  rows: number;
  cols: number;
}

function allSeats(grid: Grid): Seat[] {
  const seats: Seat[] = [];
  for (let row = 1; row <= grid.rows; row++) for (let col = 1; col <= grid.cols; col++) seats.push({ row, col });
  return seats;
}

export async function setup(): Promise<SoldOutData> {
  const runId = newRunId();
  await signInAdmin();
  const event = createEvent(`k6 sold-out ${runId}`, GRID);

  // Sell every seat explicitly, MAX_SEATS_PER_BOOKING at a time, and require each sale to confirm.
  const seats = allSeats(GRID);
  const pending: PendingBooking[] = [];
  for (let i = 0; i < seats.length; i += MAX_SEATS_PER_BOOKING) {
    const userId = `soldout-${runId}-seller-${i}`;
    await signIn([userId]);
    const attempt = book(event.id, userId, { seats: seats.slice(i, i + MAX_SEATS_PER_BOOKING) }, userId);
    if (attempt.outcome !== 'accepted' || attempt.bookingId === undefined) {
      abort(`setup: selling seats ${i + 1}..${Math.min(i + MAX_SEATS_PER_BOOKING, seats.length)} got HTTP ${attempt.status}`);
    }
    pending.push({ bookingId: attempt.bookingId, userId, answeredAt: attempt.answeredAt });
  }
  const unsold = awaitDecisions(pending).filter((d) => d.status !== 'CONFIRMED');
  if (unsold.length > 0) {
    abort(`setup: ${unsold.length} of ${pending.length} sell-out bookings ended ${unsold.map((d) => d.status ?? 'undecided').join(', ')}`);
  }

  // The fast refusal relies on the read side knowing the event is sold out; wait until it does.
  const deadline = Date.now() + SELL_OUT_TIMEOUT.seconds * 1000;
  for (;;) {
    const { event: details } = getEvent(event.id);
    if (details !== undefined && details.seats.available === 0) break;
    if (Date.now() >= deadline) abort(`setup: GET /events/${event.id} still shows seats available after ${SELL_OUT_TIMEOUT.text}`);
    sleep(0.5);
  }
  console.log(`event ${event.id}: ${event.totalSeats} seats sold in ${pending.length} bookings`);
  return { runId, eventId: event.id, rows: event.rows, cols: event.cols };
}

export default async function (data: SoldOutData): Promise<void> {
  const userId = `soldout-${data.runId}-${exec.vu.idInTest}-${exec.vu.iterationInScenario}`;
  await signIn([userId]);
  const attempt = book(data.eventId, userId, randomRequest(data, QUANTITY_SHARE, MAX_QUANTITY));
  recordIntake(attempt);
  refusedShare.add(attempt.outcome === 'refused');
}

/** Anything accepted by mistake must still end REJECTED without overselling. */
export function teardown(data: SoldOutData): void {
  failOnBrokenInvariants([data.eventId]);
}
