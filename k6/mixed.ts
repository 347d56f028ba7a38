/**
 * Mixed traffic: reads and bookings at once over EVENTS events (created in setup), as an open
 * model — two constant-arrival-rate scenarios start RATE iterations per second between them
 * (READ_SHARE of them reads), whatever the response times, so a slow system faces a growing
 * queue instead of a politely slowing client. Reads are GET /events/{id} or a conditional
 * GET /events/{id}/seats; bookings are POST /bookings followed (POLL=true) by polling until the
 * booking is decided. Teardown checks every event's inventory.
 *
 *   k6 run -e BASE_URL=http://localhost:3000 k6/mixed.ts
 *
 * If k6 reports dropped_iterations, it ran out of VUs to keep the rate: raise MAX_VUS, or the
 * system is slower than the offered load.
 *
 * Environment (plus BASE_URL, POLL_*, GRACE from lib/seatgrid.ts; AUTH_*, ADMIN_TOKEN from lib/auth.ts):
 *   EVENTS          events to spread the traffic over                          (default 4)
 *   SEATS           grid of each event, "ROWSxCOLS" or a total                 (default 100x100)
 *   RATE            iterations per second, reads and bookings together         (default 100)
 *   READ_SHARE      share of RATE that are reads                               (default 0.5)
 *   DURATION        how long both scenarios run                                (default 2m)
 *   POLL            whether a booking iteration waits for the decision         (default true)
 *   QUANTITY_SHARE  share of bookings asking for quantity instead of a seat    (default 0.5)
 *   MAX_QUANTITY    such a booking asks for 1..MAX_QUANTITY seats              (default 4)
 *   MAX_VUS         VU ceiling per scenario                                    (default 20 × its rate, at least 50)
 *   READ_P95        ms, p(95) of reads                                         (default 300)
 *   INTAKE_P95      ms, p(95) of POST /bookings                                (default 500)
 *   DECISION_P95    ms, p(95) from the 202 to a terminal status                (default 5000)
 *   ERROR_RATE      ceiling for http_req_failed and booking_errors             (default 0.01)
 */
import exec from 'k6/execution';
import type { ConstantArrivalRateScenario, Options } from 'k6/options';
import {
  POLLING_GRACEFUL_STOP,
  TEARDOWN_TIMEOUT,
  TREND_STATS,
  book,
  createEvent,
  envBool,
  envDuration,
  envGrid,
  envInt,
  envNumber,
  failOnBrokenInvariants,
  getEvent,
  getSeatMap,
  newRunId,
  pollUntilTerminal,
  randomInt,
  randomRequest,
  recordDecision,
  recordIntake,
  signIn,
  signInAdmin,
  treatConflictAsExpected,
} from './lib/seatgrid.ts';
import type { EventInfo } from './lib/seatgrid.ts';

const EVENTS = envInt('EVENTS', 4, 1, 100);
const GRID = envGrid('SEATS', '100x100');
const RATE = envInt('RATE', 100);
const READ_RATE = Math.round(RATE * envNumber('READ_SHARE', 0.5, 0, 1));
const BOOK_RATE = RATE - READ_RATE;
const DURATION = envDuration('DURATION', '2m');
const POLL_DECISIONS = envBool('POLL', true);
const QUANTITY_SHARE = envNumber('QUANTITY_SHARE', 0.5, 0, 1);
const MAX_QUANTITY = envInt('MAX_QUANTITY', 4, 1, 10);
const READ_P95 = envNumber('READ_P95', 300);
const INTAKE_P95 = envNumber('INTAKE_P95', 500);
const DECISION_P95 = envNumber('DECISION_P95', 5000);
const ERROR_RATE = envNumber('ERROR_RATE', 0.01, 0, 1);

treatConflictAsExpected();

/** Pre-allocates enough VUs for half-second iterations and allows MAX_VUS for slower ones. */
function arrivalRate(rate: number, execName: string): ConstantArrivalRateScenario {
  return {
    executor: 'constant-arrival-rate',
    exec: execName,
    rate,
    timeUnit: '1s',
    duration: DURATION.text,
    preAllocatedVUs: Math.max(5, Math.ceil(rate / 2)),
    maxVUs: envInt('MAX_VUS', Math.max(50, rate * 20)),
    gracefulStop: POLLING_GRACEFUL_STOP,
  };
}

const scenarios: NonNullable<Options['scenarios']> = {};
const thresholds: NonNullable<Options['thresholds']> = {
  http_req_failed: [`rate<${ERROR_RATE}`],
};
if (READ_RATE > 0) {
  scenarios.reads = arrivalRate(READ_RATE, 'read');
  thresholds['http_req_duration{scenario:reads}'] = [`p(95)<${READ_P95}`];
}
if (BOOK_RATE > 0) {
  scenarios.bookings = arrivalRate(BOOK_RATE, 'reserve');
  thresholds.booking_intake_duration = [`p(95)<${INTAKE_P95}`];
  thresholds.booking_errors = [`rate<${ERROR_RATE}`];
  if (POLL_DECISIONS) {
    thresholds.booking_decision_time = [`p(95)<${DECISION_P95}`];
    thresholds.bookings_unresolved = ['count==0'];
  }
}

export const options: Options = {
  setupTimeout: '120s',
  teardownTimeout: TEARDOWN_TIMEOUT,
  summaryTrendStats: TREND_STATS,
  scenarios,
  thresholds,
};

interface MixedData {
  runId: string;
  events: EventInfo[];
}

export async function setup(): Promise<MixedData> {
  const runId = newRunId();
  await signInAdmin();
  const events: EventInfo[] = [];
  for (let i = 1; i <= EVENTS; i++) events.push(createEvent(`k6 mixed ${runId} #${i}`, GRID));
  console.log(`events ${events.map((e) => e.id).join(', ')}: ${READ_RATE} reads/s + ${BOOK_RATE} bookings/s`);
  return { runId, events };
}

function pick(events: EventInfo[]): EventInfo {
  return events[randomInt(0, events.length - 1)];
}

/** Per VU: the last ETag seen for each event's seat map, for conditional reads. */
const etags: Record<number, string> = {};

export function read(data: MixedData): void {
  const event = pick(data.events);
  if (Math.random() < 0.5) {
    getEvent(event.id);
    return;
  }
  const map = getSeatMap(event.id, etags[event.id]);
  if (map.etag !== undefined) etags[event.id] = map.etag;
}

export async function reserve(data: MixedData): Promise<void> {
  const event = pick(data.events);
  // iterationInTest is unique across the scenario, so each booking comes from a new user.
  const userId = `mixed-${data.runId}-${exec.scenario.iterationInTest}`;
  await signIn([userId]);
  const attempt = book(event.id, userId, randomRequest(event, QUANTITY_SHARE, MAX_QUANTITY));
  recordIntake(attempt);
  if (POLL_DECISIONS && attempt.outcome === 'accepted' && attempt.bookingId !== undefined) {
    recordDecision(pollUntilTerminal({ bookingId: attempt.bookingId, userId, answeredAt: attempt.answeredAt }));
  }
}

export function teardown(data: MixedData): void {
  failOnBrokenInvariants(data.events.map((e) => e.id));
}
