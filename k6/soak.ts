/**
 * Soak: a steady, moderate open-model load for a long time (30 minutes by default) — bookings at
 * BOOK_RATE/s, each polled until decided, and reads at READ_RATE/s — over EVENTS events. The
 * events are sized in setup to stay far from selling out (about 1.5× the seats the run can
 * consume), so the load keeps exercising real bookings instead of fast refusals. What it looks
 * for is what only time reveals: any 5xx at all, and latency that creeps up as the run goes on
 * (leaks, growing queues or tables, cache churn).
 *
 *   k6 run -e BASE_URL=http://localhost:3000 k6/soak.ts
 *   k6 run -e DURATION=2h -e BOOK_RATE=20 k6/soak.ts
 *
 * Drift detection. The run is split into phases, tagged on every request as `phase`:
 *   warmup  the first WARMUP (connections, JIT, caches settle; judged by nothing but errors);
 *   early   the next fifth of the remaining time: the baseline;
 *   late    the last fifth;   middle: everything in between.
 * Thresholds hold early and late p(95) to the same budget (compare them in the summary), and
 * soak_latency_drift is the share of late requests slower than DRIFT_FACTOR × the early median of
 * the same endpoint (+ DRIFT_SLACK ms, so tiny latencies do not trip it). Baselines are kept per VU
 * because VUs share nothing; VUs that saw too little of the early phase do not judge.
 *
 * Environment (plus BASE_URL, POLL_*, GRACE from lib/seatgrid.ts; AUTH_*, ADMIN_TOKEN from lib/auth.ts):
 *   DURATION         length of the soak                                         (default 30m)
 *   WARMUP           start of the run left out of the drift baseline            (default 2m)
 *   EVENTS           events to spread the traffic over                          (default 4)
 *   SEATS            grid of each event, "ROWSxCOLS" or a total                 (default: sized from the rates)
 *   BOOK_RATE        booking iterations per second                              (default 5)
 *   READ_RATE        read iterations per second                                 (default 20)
 *   QUANTITY_SHARE   share of bookings asking for quantity instead of a seat    (default 0.5)
 *   MAX_QUANTITY     such a booking asks for 1..MAX_QUANTITY seats              (default 4)
 *   MAX_VUS          VU ceiling per scenario                                    (default 20 × its rate, at least 50)
 *   P95              ms, p(95) budget of all requests in the early and late phases (default 500)
 *   DECISION_P95     ms, p(95) from the 202 to a terminal status                (default 5000)
 *   DRIFT_FACTOR     a late request is "drifted" beyond this × the early median (default 2)
 *   DRIFT_SLACK      ms added to that bound                                     (default 25)
 *   MAX_DRIFT_SHARE  ceiling for the share of drifted late requests             (default 0.2)
 *   ERROR_RATE       ceiling for http_req_failed                                (default 0.01)
 */
import exec from 'k6/execution';
import type { ConstantArrivalRateScenario, Options } from 'k6/options';
import { Rate } from 'k6/metrics';
import {
  MAX_SIDE,
  POLLING_GRACEFUL_STOP,
  TEARDOWN_TIMEOUT,
  TREND_STATS,
  book,
  createEvent,
  env,
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
import type { EventInfo, Grid } from './lib/seatgrid.ts';

const DURATION = envDuration('DURATION', '30m');
const WARMUP = envDuration('WARMUP', '2m');
const EVENTS = envInt('EVENTS', 4, 1, 100);
const BOOK_RATE = envInt('BOOK_RATE', 5);
const READ_RATE = envInt('READ_RATE', 20);
const QUANTITY_SHARE = envNumber('QUANTITY_SHARE', 0.5, 0, 1);
const MAX_QUANTITY = envInt('MAX_QUANTITY', 4, 1, 10);
const P95 = envNumber('P95', 500);
const DECISION_P95 = envNumber('DECISION_P95', 5000);
const DRIFT_FACTOR = envNumber('DRIFT_FACTOR', 2, 1);
const DRIFT_SLACK = envNumber('DRIFT_SLACK', 25);
const MAX_DRIFT_SHARE = envNumber('MAX_DRIFT_SHARE', 0.2, 0, 1);
const ERROR_RATE = envNumber('ERROR_RATE', 0.01, 0, 1);

if (WARMUP.seconds >= DURATION.seconds) throw new Error(`WARMUP (${WARMUP.text}) must be shorter than DURATION (${DURATION.text})`);

/** Seats one event needs so that the whole run fills at most two thirds of it. */
const AVERAGE_SEATS_PER_BOOKING = (1 - QUANTITY_SHARE) * 1 + (QUANTITY_SHARE * (1 + MAX_QUANTITY)) / 2;
const SEATS_NEEDED = Math.ceil((BOOK_RATE * DURATION.seconds * AVERAGE_SEATS_PER_BOOKING * 1.5) / EVENTS);

function gridHolding(seats: number): Grid {
  const side = Math.max(10, Math.ceil(Math.sqrt(seats)));
  if (side > MAX_SIDE) {
    throw new Error(`${seats} seats per event exceed ${MAX_SIDE}x${MAX_SIDE}: raise EVENTS or give SEATS explicitly`);
  }
  return { rows: Math.max(10, Math.ceil(seats / side)), cols: side };
}

const GRID = env('SEATS') !== undefined ? envGrid('SEATS', '') : gridHolding(SEATS_NEEDED);

// Phase boundaries, in seconds since the scenarios started.
const WINDOW_S = (DURATION.seconds - WARMUP.seconds) / 5;
const EARLY_END_S = WARMUP.seconds + WINDOW_S;
const LATE_START_S = DURATION.seconds - WINDOW_S;

type Phase = 'warmup' | 'early' | 'middle' | 'late';

function currentPhase(): Phase {
  const elapsedS = (Date.now() - exec.scenario.startTime) / 1000;
  if (elapsedS < WARMUP.seconds) return 'warmup';
  if (elapsedS < EARLY_END_S) return 'early';
  return elapsedS < LATE_START_S ? 'middle' : 'late';
}

/** Late requests slower than DRIFT_FACTOR × this VU's early median for the endpoint (+ slack). */
const drift = new Rate('soak_latency_drift');

treatConflictAsExpected();

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

export const options: Options = {
  setupTimeout: '120s',
  teardownTimeout: TEARDOWN_TIMEOUT,
  summaryTrendStats: TREND_STATS,
  scenarios: {
    bookings: arrivalRate(BOOK_RATE, 'reserve'),
    reads: arrivalRate(READ_RATE, 'read'),
  },
  thresholds: {
    // No 5xx (nor dropped connections) at all, however long the run.
    server_errors: ['rate==0'],
    http_req_failed: [`rate<${ERROR_RATE}`],
    'http_req_duration{phase:early}': [`p(95)<${P95}`],
    'http_req_duration{phase:late}': [`p(95)<${P95}`],
    soak_latency_drift: [`rate<${MAX_DRIFT_SHARE}`],
    booking_decision_time: [`p(95)<${DECISION_P95}`],
    bookings_unresolved: ['count==0'],
  },
};

interface SoakData {
  runId: string;
  events: EventInfo[];
}

export async function setup(): Promise<SoakData> {
  const runId = newRunId();
  await signInAdmin();
  if (GRID.rows * GRID.cols < SEATS_NEEDED) {
    console.warn(`SEATS=${GRID.rows}x${GRID.cols} is below the ~${SEATS_NEEDED} seats per event this run may use: expect sell-outs (409s)`);
  }
  const events: EventInfo[] = [];
  for (let i = 1; i <= EVENTS; i++) events.push(createEvent(`k6 soak ${runId} #${i}`, GRID));
  console.log(
    `events ${events.map((e) => e.id).join(', ')} of ${GRID.rows}x${GRID.cols}; phases: warmup <${WARMUP.seconds}s, ` +
      `early <${Math.round(EARLY_END_S)}s, late ≥${Math.round(LATE_START_S)}s`,
  );
  return { runId, events };
}

// Per-VU drift state (module variables are per VU): early samples and, once late, their medians.
const BASELINE_CAP = 500;
const MIN_BASELINE = 20;
const baselines: Record<string, number[]> = {};
const medians: Record<string, number> = {};

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function observe(endpoint: string, status: number, durationMs: number, phase: Phase): void {
  if (status === 0) return; // no response, no latency: server_errors already counts it
  if (phase === 'early') {
    const samples = baselines[endpoint] || (baselines[endpoint] = []);
    if (samples.length < BASELINE_CAP) samples.push(durationMs);
  } else if (phase === 'late') {
    if (medians[endpoint] === undefined) {
      const samples = baselines[endpoint];
      if (samples === undefined || samples.length < MIN_BASELINE) return;
      medians[endpoint] = median(samples);
    }
    drift.add(durationMs > medians[endpoint] * DRIFT_FACTOR + DRIFT_SLACK, { endpoint });
  }
}

/** Tags everything this VU emits during the iteration with the phase, for the phase thresholds. */
function enterPhase(): Phase {
  const phase = currentPhase();
  exec.vu.metrics.tags.phase = phase;
  return phase;
}

function pick(events: EventInfo[]): EventInfo {
  return events[randomInt(0, events.length - 1)];
}

/** Per VU: the last ETag seen for each event's seat map, for conditional reads. */
const etags: Record<number, string> = {};

export function read(data: SoakData): void {
  const phase = enterPhase();
  const event = pick(data.events);
  if (Math.random() < 0.5) {
    const { res } = getEvent(event.id);
    observe('event_get', res.status, res.timings.duration, phase);
    return;
  }
  const map = getSeatMap(event.id, etags[event.id]);
  if (map.etag !== undefined) etags[event.id] = map.etag;
  observe('seat_map', map.res.status, map.res.timings.duration, phase);
}

export async function reserve(data: SoakData): Promise<void> {
  const phase = enterPhase();
  const event = pick(data.events);
  const userId = `soak-${data.runId}-${exec.scenario.iterationInTest}`;
  await signIn([userId]);
  const attempt = book(event.id, userId, randomRequest(event, QUANTITY_SHARE, MAX_QUANTITY));
  recordIntake(attempt);
  observe('booking_create', attempt.status, attempt.durationMs, phase);
  if (attempt.outcome === 'accepted' && attempt.bookingId !== undefined) {
    recordDecision(pollUntilTerminal({ bookingId: attempt.bookingId, userId, answeredAt: attempt.answeredAt }));
  }
}

export function teardown(data: SoakData): void {
  failOnBrokenInvariants(data.events.map((e) => e.id));
}
