/**
 * Shared helpers for the SeatGrid k6 scenarios: environment parsing (env.ts), who the requests
 * come from (auth.ts), typed API calls, booking polling, custom metrics and the end-of-run
 * inventory invariants.
 *
 * Environment variables read here (they apply to every script; AUTH_MODE, ADMIN_TOKEN and the
 * AUTH_* of signed tokens are described in auth.ts):
 *   BASE_URL            gateway base URL                                   (default http://localhost:3000)
 *   POLL_TIMEOUT        seconds a booking may take to reach a terminal status (default 60)
 *   POLL_MIN_INTERVAL   first pause between polls of GET /bookings/{id}, s   (default 0.1)
 *   POLL_MAX_INTERVAL   ceiling of that pause; it grows ×1.5 per round, s     (default 1)
 *   GRACE               seconds teardown re-reads /events/{id}/stats for in-flight bookings to settle (default 10)
 *
 * k6 runs this file as TypeScript directly (types are stripped, not checked), so it uses only
 * ES module syntax and k6 APIs: no Node modules, enums, namespaces or decorators.
 */
import http from 'k6/http';
import type { Response } from 'k6/http';
import exec from 'k6/execution';
import { sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { adminHeaders, buyerHeaders } from './auth.ts';
import { env, envNumber } from './env.ts';

// Re-exported so that the scripts import everything from here.
export { env, envBool, envDuration, envInt, envNumber, parseDuration } from './env.ts';
export type { Duration } from './env.ts';
export { AUTH_MODE, signIn, signInAdmin } from './auth.ts';

// ---------------------------------------------------------------------------------------------
// Seat grids
// ---------------------------------------------------------------------------------------------

/** The API accepts 1..1000 rows and 1..1000 columns. */
export const MAX_SIDE = 1000;
/** The API accepts 1..10 seats (or quantity) per booking. */
export const MAX_SEATS_PER_BOOKING = 10;

export interface Grid {
  rows: number;
  cols: number;
}

/** The most square grid holding exactly `total` seats with at most MAX_SIDE columns. */
export function gridForTotal(total: number): Grid {
  for (let rows = Math.floor(Math.sqrt(total)); rows >= 1; rows--) {
    if (total % rows === 0 && total / rows <= MAX_SIDE) return { rows, cols: total / rows };
  }
  throw new Error(`${total} seats cannot be laid out as rows×cols with both ≤ ${MAX_SIDE}; give ROWSxCOLS instead`);
}

/** "ROWSxCOLS" (e.g. "10x10") or a seat total (e.g. "100"). */
export function parseGrid(text: string): Grid {
  const pair = /^(\d+)\s*[xX*×]\s*(\d+)$/.exec(text);
  const grid = pair ? { rows: Number(pair[1]), cols: Number(pair[2]) } : /^\d+$/.test(text) ? gridForTotal(Number(text)) : undefined;
  if (!grid || grid.rows < 1 || grid.cols < 1 || grid.rows > MAX_SIDE || grid.cols > MAX_SIDE) {
    throw new Error(`"${text}" is not a seat grid: use ROWSxCOLS (each 1..${MAX_SIDE}) or a total`);
  }
  return grid;
}

export function envGrid(name: string, fallback: string): Grid {
  try {
    return parseGrid(env(name) ?? fallback);
  } catch (error) {
    throw new Error(`${name}: ${String(error)}`);
  }
}

export function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

export function randomSeat(grid: Grid): Seat {
  return { row: randomInt(1, grid.rows), col: randomInt(1, grid.cols) };
}

/** One random seat, or — for `quantityShare` of the calls — "best available" for 1..maxQuantity seats. */
export function randomRequest(grid: Grid, quantityShare: number, maxQuantity: number): BookingRequest {
  return Math.random() < quantityShare ? { quantity: randomInt(1, maxQuantity) } : { seats: [randomSeat(grid)] };
}

/** Tells this run's users and events apart from earlier runs against the same database. */
export function newRunId(): string {
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
}

/** The ids of the buyers this VU plays (`<prefix>-<n>`): buyer n belongs to VU (n mod vus) + 1, so each is played once. */
export function buyersOfThisVu(prefix: string, buyers: number, vus: number): string[] {
  const userIds: string[] = [];
  for (let n = exec.vu.idInTest - 1; n < buyers; n += vus) userIds.push(`${prefix}-${n}`);
  return userIds;
}

// ---------------------------------------------------------------------------------------------
// API types
// ---------------------------------------------------------------------------------------------

export interface EventInfo {
  id: number;
  name: string;
  rows: number;
  cols: number;
  totalSeats: number;
}

export interface Seat {
  row: number;
  col: number;
}

export type BookingRequest = { seats: Seat[] } | { quantity: number };

export const TERMINAL_STATUSES = ['CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED', 'CANCELLED'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
/** HELD is not terminal: the seats are reserved but the booking has not been decided yet. */
export type BookingStatus = 'PENDING' | 'HELD' | TerminalStatus;

export interface Booking {
  bookingId: string;
  eventId: number;
  userId: string;
  status: BookingStatus;
  seats: Seat[];
  reason?: string;
  createdAt: string;
  updatedAt: string;
}

export interface SeatCounts {
  available: number;
  held: number;
  booked: number;
}

export interface EventStats {
  eventId: number;
  totalSeats: number;
  seats: SeatCounts;
  bookings: Record<string, number>;
}

export interface SeatMap {
  eventId: number;
  rows: number;
  cols: number;
  legend: Record<string, string>;
  seats: string[];
}

/** GET /queue/{ticketId} and POST /events/{id}/queue answer this (waiting-room events only). */
export interface QueueTicket {
  ticketId: string;
  eventId: number;
  /** Place in the join order, 1 for the first buyer. */
  number: number;
  /** 0 once admitted. */
  position: number;
  admitted: boolean;
  state: 'waiting' | 'admitted' | 'expired' | 'used' | 'open';
  estimatedWaitSeconds: number;
  admissionToken?: string;
  expiresAt?: string;
}

export function isTerminal(status: string): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

// ---------------------------------------------------------------------------------------------
// Metrics (created here, in the init stage, so every script shares the same names)
// ---------------------------------------------------------------------------------------------

export const metrics = {
  /** Every SeatGrid call: true for 5xx or no response at all (status 0: timeout, reset, refused). */
  serverErrors: new Rate('server_errors'),
  /** POST /bookings: true unless the answer was 202 (accepted) or 409 (refused, a business outcome). */
  bookingErrors: new Rate('booking_errors'),
  /** POST /bookings response time, whatever the answer. */
  intake: new Trend('booking_intake_duration', true),
  /** From the 202 to the first poll that saw a terminal status (resolution: the current poll pause). */
  decision: new Trend('booking_decision_time', true),
  accepted: new Counter('bookings_accepted'),
  refused: new Counter('bookings_refused'),
  confirmed: new Counter('bookings_confirmed'),
  /** Terminal but not CONFIRMED (REJECTED, FAILED, EXPIRED, CANCELLED), tagged booking_status. */
  rejected: new Counter('bookings_rejected'),
  /** Accepted bookings still PENDING/HELD when POLL_TIMEOUT ran out. */
  unresolved: new Counter('bookings_unresolved'),
};

/** Percentiles shown in the end-of-test summary (k6 shows no p(99) by default). */
export const TREND_STATS = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'];

/**
 * 409 is how SeatGrid says "sold out / seat taken": an expected answer, so it must not count in
 * http_req_failed. Call once from each script's init code (the callback is per VU).
 */
export function treatConflictAsExpected(): void {
  http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }, 409));
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing
// ---------------------------------------------------------------------------------------------

export const BASE_URL = (env('BASE_URL') ?? 'http://localhost:3000').replace(/\/+$/, '');

/**
 * `endpoint` is a short stable tag for thresholds such as http_req_duration{endpoint:seat_map};
 * `name` groups URLs that embed ids so each event or booking does not become its own time series.
 */
export type Endpoint = 'event_create' | 'event_get' | 'seat_map' | 'stats' | 'booking_create' | 'booking_get' | 'queue_join' | 'queue_get';

function tags(endpoint: Endpoint, name: string): Record<string, string> {
  return { endpoint, name };
}

function track(res: Response): void {
  metrics.serverErrors.add(res.status === 0 || res.status >= 500);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(res: Response): unknown {
  if (typeof res.body !== 'string' || res.body === '') return undefined;
  try {
    return JSON.parse(res.body);
  } catch (_error) {
    return undefined;
  }
}

function excerpt(res: Response): string {
  const body = typeof res.body === 'string' ? res.body : '';
  return `${res.status}${res.error ? ` (${res.error})` : ''} ${body.slice(0, 300)}`;
}

/** Response header by name, ignoring case (k6 canonicalises names, e.g. "ETag" arrives as "Etag"). */
export function header(res: Response, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(res.headers)) if (key.toLowerCase() === wanted) return res.headers[key];
  return undefined;
}

/**
 * Stops the whole run with a reason (exit code 108). Used in setup and teardown, where a thrown
 * error would also fail the run but exec.test.abort() states the intent and is documented for it.
 */
export function abort(message: string): never {
  exec.test.abort(message);
  throw new Error(message); // not reached: abort() interrupts the VU; this line satisfies the type checker
}

// ---------------------------------------------------------------------------------------------
// API calls
// ---------------------------------------------------------------------------------------------

/**
 * POST /events, through a waiting room admitting `admissionRatePerSecond` buyers a second when given; aborts the
 * run if the event cannot be created, since nothing else can run.
 */
export function createEvent(name: string, grid: Grid, admissionRatePerSecond?: number): EventInfo {
  const headers = { 'Content-Type': 'application/json', ...adminHeaders() };
  const res = http.post(`${BASE_URL}/events`, JSON.stringify({ name, rows: grid.rows, cols: grid.cols, admissionRatePerSecond }), {
    headers,
    tags: tags('event_create', 'POST /events'),
  });
  track(res);
  const body = parseJson(res);
  if (res.status !== 201 || !isRecord(body) || typeof body.id !== 'number') {
    return abort(`POST /events ${grid.rows}x${grid.cols} failed: ${excerpt(res)}`);
  }
  return {
    id: body.id,
    name: String(body.name),
    rows: Number(body.rows),
    cols: Number(body.cols),
    totalSeats: Number(body.totalSeats),
  };
}

export interface EventDetails extends EventInfo {
  seats: SeatCounts;
}

export function getEvent(eventId: number): { res: Response; event?: EventDetails } {
  const res = http.get(`${BASE_URL}/events/${eventId}`, { tags: tags('event_get', 'GET /events/{id}') });
  track(res);
  const body = parseJson(res);
  const event = res.status === 200 && isRecord(body) && isRecord(body.seats) ? (body as unknown as EventDetails) : undefined;
  return { res, event };
}

export interface SeatMapRead {
  res: Response;
  /** Parsed body of a 200; undefined for a 304 or a broken answer. */
  map?: SeatMap;
  /** The ETag to revalidate with next time (unchanged on a 304). */
  etag?: string;
  notModified: boolean;
}

/** GET /events/{id}/seats, conditional when an ETag from an earlier read is given. */
export function getSeatMap(eventId: number, etag?: string): SeatMapRead {
  const headers: Record<string, string> = etag ? { 'If-None-Match': etag } : {};
  const res = http.get(`${BASE_URL}/events/${eventId}/seats`, {
    headers,
    tags: tags('seat_map', 'GET /events/{id}/seats'),
  });
  track(res);
  if (res.status === 304) return { res, etag: header(res, 'ETag') ?? etag, notModified: true };
  const body = parseJson(res);
  const map = res.status === 200 && isRecord(body) && Array.isArray(body.seats) ? (body as unknown as SeatMap) : undefined;
  return { res, map, etag: header(res, 'ETag'), notModified: false };
}

/** True when the map is exactly rows×cols legend characters. */
export function isWellFormedMap(map: SeatMap | undefined, grid: Grid): boolean {
  return (
    map !== undefined &&
    map.rows === grid.rows &&
    map.cols === grid.cols &&
    map.seats.length === grid.rows &&
    map.seats.every((row) => typeof row === 'string' && row.length === grid.cols && /^[AHB]*$/.test(row))
  );
}

export function fetchStats(eventId: number): EventStats | undefined {
  const res = http.get(`${BASE_URL}/events/${eventId}/stats`, { tags: tags('stats', 'GET /events/{id}/stats') });
  track(res);
  const body = parseJson(res);
  if (res.status !== 200 || !isRecord(body) || !isRecord(body.seats) || !isRecord(body.bookings)) {
    console.warn(`GET /events/${eventId}/stats: ${excerpt(res)}`);
    return undefined;
  }
  return body as unknown as EventStats;
}

export interface BookingAttempt {
  outcome: 'accepted' | 'refused' | 'error';
  status: number;
  bookingId?: string;
  /** Client clock when the answer arrived: the start of the decision time. */
  answeredAt: number;
  durationMs: number;
}

/**
 * POST /bookings. 202 → accepted, 409 → refused (expected), anything else → error (a 403 of a waiting room
 * included: `admissionToken` is sent as X-Admission-Token).
 */
export function book(eventId: number, userId: string, request: BookingRequest, idempotencyKey?: string, admissionToken?: string): BookingAttempt {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...buyerHeaders(userId) };
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  if (admissionToken) headers['X-Admission-Token'] = admissionToken;
  const res = http.post(`${BASE_URL}/bookings`, JSON.stringify({ eventId, ...request }), {
    headers,
    tags: tags('booking_create', 'POST /bookings'),
  });
  const answeredAt = Date.now();
  track(res);
  const base = { status: res.status, answeredAt, durationMs: res.timings.duration };
  if (res.status === 409) return { ...base, outcome: 'refused' };
  const body = parseJson(res);
  const id = isRecord(body) ? body.bookingId : undefined;
  // A 202 without a booking id cannot be followed up, so it is a broken answer, not an acceptance.
  if (res.status === 202 && (typeof id === 'string' || typeof id === 'number')) {
    return { ...base, outcome: 'accepted', bookingId: String(id) };
  }
  return { ...base, outcome: 'error' };
}

/** Feeds one POST /bookings answer into the intake metrics (not called from setup). */
export function recordIntake(attempt: BookingAttempt): void {
  // No response (status 0) has no meaningful latency; it is counted as an error instead.
  if (attempt.status !== 0) metrics.intake.add(attempt.durationMs);
  metrics.bookingErrors.add(attempt.outcome === 'error');
  if (attempt.outcome === 'accepted') metrics.accepted.add(1);
  if (attempt.outcome === 'refused') metrics.refused.add(1);
}

function queueTicketOf(res: Response): QueueTicket | undefined {
  const body = parseJson(res);
  const ok = (res.status === 200 || res.status === 201) && isRecord(body) && typeof body.ticketId === 'string' && typeof body.number === 'number';
  return ok ? (body as unknown as QueueTicket) : undefined;
}

/** POST /events/{id}/queue: the buyer's ticket (its current one when it joined before). */
export function joinQueue(eventId: number, userId: string): { res: Response; ticket?: QueueTicket } {
  const res = http.post(`${BASE_URL}/events/${eventId}/queue`, null, {
    headers: buyerHeaders(userId),
    tags: tags('queue_join', 'POST /events/{id}/queue'),
  });
  track(res);
  return { res, ticket: queueTicketOf(res) };
}

/** GET /queue/{ticketId}: the ticket's place, or its admission token once admitted. */
export function getQueueTicket(ticketId: string, userId: string): { res: Response; ticket?: QueueTicket } {
  const res = http.get(`${BASE_URL}/queue/${encodeURIComponent(ticketId)}`, {
    headers: buyerHeaders(userId),
    tags: tags('queue_get', 'GET /queue/{ticketId}'),
  });
  track(res);
  return { res, ticket: queueTicketOf(res) };
}

export function getBooking(bookingId: string, userId: string): { res: Response; booking?: Booking } {
  const res = http.get(`${BASE_URL}/bookings/${encodeURIComponent(bookingId)}`, {
    headers: buyerHeaders(userId),
    tags: tags('booking_get', 'GET /bookings/{id}'),
  });
  track(res);
  const body = parseJson(res);
  const booking = res.status === 200 && isRecord(body) && typeof body.status === 'string' ? (body as unknown as Booking) : undefined;
  return { res, booking };
}

// ---------------------------------------------------------------------------------------------
// Waiting for decisions
// ---------------------------------------------------------------------------------------------

export interface PendingBooking {
  bookingId: string;
  userId: string;
  answeredAt: number;
}

/** Keeps an accepted attempt for {@link awaitDecisions}; anything else was answered already. */
export function trackAccepted(attempt: BookingAttempt, userId: string, pending: PendingBooking[]): void {
  if (attempt.outcome === 'accepted' && attempt.bookingId !== undefined) pending.push({ bookingId: attempt.bookingId, userId, answeredAt: attempt.answeredAt });
}

export interface Decision {
  bookingId: string;
  /** undefined: still PENDING/HELD (or unreadable) when the timeout ran out. */
  status?: TerminalStatus;
  decisionMs: number;
}

export interface PollOptions {
  timeoutS: number;
  minIntervalS: number;
  maxIntervalS: number;
}

export const POLL: PollOptions = {
  timeoutS: envNumber('POLL_TIMEOUT', 60, 1),
  minIntervalS: envNumber('POLL_MIN_INTERVAL', 0.1, 0.01),
  maxIntervalS: envNumber('POLL_MAX_INTERVAL', 1, 0.01),
};

/** A scenario's gracefulStop when its VUs poll their bookings: they finish their decisions instead of being cut off. */
export const POLLING_GRACEFUL_STOP = `${Math.ceil(POLL.timeoutS) + 10}s`;

/**
 * Polls GET /bookings/{id} for every booking, round after round, until each is terminal or the
 * timeout runs out. Pauses start short (fast decisions are measured closely) and grow ×1.5 up to
 * the ceiling, so thousands of slow bookings do not turn into a polling storm.
 * A 404 right after the 202 is retried like PENDING (it still counts in http_req_failed).
 */
export function awaitDecisions(pending: PendingBooking[], options: PollOptions = POLL): Decision[] {
  const decisions: Decision[] = [];
  const deadline = Date.now() + options.timeoutS * 1000;
  let pause = options.minIntervalS;
  let open = pending.slice();
  while (open.length > 0) {
    const left = deadline - Date.now();
    if (left <= 0) {
      for (const p of open) decisions.push({ bookingId: p.bookingId, decisionMs: Date.now() - p.answeredAt });
      break;
    }
    // Pause first: a booking polled the instant after its 202 is almost always still PENDING.
    sleep(Math.min(pause, left / 1000));
    pause = Math.min(pause * 1.5, options.maxIntervalS);
    open = open.filter((p) => {
      const { booking } = getBooking(p.bookingId, p.userId);
      if (booking === undefined || !isTerminal(booking.status)) return true;
      decisions.push({ bookingId: p.bookingId, status: booking.status, decisionMs: Date.now() - p.answeredAt });
      return false;
    });
  }
  return decisions;
}

export function pollUntilTerminal(pending: PendingBooking, options: PollOptions = POLL): Decision {
  return awaitDecisions([pending], options)[0];
}

/** Feeds one decision into the metrics (not called from setup). */
export function recordDecision(decision: Decision): void {
  if (decision.status === undefined) {
    metrics.unresolved.add(1);
    return;
  }
  metrics.decision.add(decision.decisionMs);
  if (decision.status === 'CONFIRMED') metrics.confirmed.add(1);
  else metrics.rejected.add(1, { booking_status: decision.status });
}

// ---------------------------------------------------------------------------------------------
// End-of-run invariants
// ---------------------------------------------------------------------------------------------

export const GRACE_S = envNumber('GRACE', 10, 0);
/** Every script's teardownTimeout: teardown waits up to GRACE for stragglers before judging the inventory. */
export const TEARDOWN_TIMEOUT = `${Math.ceil(GRACE_S) + 60}s`;

function bookingsIn(stats: EventStats, status: BookingStatus): number {
  return Number(stats.bookings[status] ?? 0);
}

function describeStats(stats: EventStats): string {
  const bookings = Object.keys(stats.bookings)
    .map((status) => `${status}=${stats.bookings[status]}`)
    .join(' ');
  const { available, held, booked } = stats.seats;
  return `seats ${booked} booked, ${held} held, ${available} available of ${stats.totalSeats}; bookings ${bookings || 'none'}`;
}

/**
 * What is wrong with an event's inventory, per PostgreSQL; empty when all invariants hold. The part of the one
 * checker (bench/invariants.ts) that GET /events/{id}/stats can show, k6 having no way to PostgreSQL.
 */
export function inventoryProblems(stats: EventStats): string[] {
  const problems: string[] = [];
  const { available, held, booked } = stats.seats;
  if (booked + held > stats.totalSeats) {
    problems.push(`oversold: ${booked} booked + ${held} held > ${stats.totalSeats} seats`);
  }
  if (available + held + booked !== stats.totalSeats) {
    problems.push(`seat counts do not add up: ${available} + ${held} + ${booked} ≠ ${stats.totalSeats}`);
  }
  // Every confirmed booking owns at least one seat, so there cannot be more of them than seats.
  if (bookingsIn(stats, 'CONFIRMED') > stats.totalSeats) {
    problems.push(`${bookingsIn(stats, 'CONFIRMED')} CONFIRMED bookings for ${stats.totalSeats} seats`);
  }
  const inFlight = bookingsIn(stats, 'PENDING') + bookingsIn(stats, 'HELD');
  if (inFlight > 0) {
    problems.push(`${bookingsIn(stats, 'PENDING')} PENDING + ${bookingsIn(stats, 'HELD')} HELD bookings never reached a terminal status`);
  }
  return problems;
}

/**
 * For teardown: waits up to GRACE seconds (one deadline for all events) for in-flight bookings to
 * settle, logs each event's inventory and aborts the run — a non-zero exit — if any invariant is
 * broken: no oversell, counts add up, nothing left PENDING or HELD.
 */
export function failOnBrokenInvariants(eventIds: number[], graceS: number = GRACE_S): void {
  const deadline = Date.now() + graceS * 1000;
  const problems: string[] = [];
  for (const eventId of eventIds) {
    let stats = fetchStats(eventId);
    while ((stats === undefined || inventoryProblems(stats).length > 0) && Date.now() < deadline) {
      sleep(1);
      stats = fetchStats(eventId);
    }
    if (stats === undefined) {
      problems.push(`event ${eventId}: no usable answer from GET /events/${eventId}/stats`);
      continue;
    }
    console.log(`event ${eventId}: ${describeStats(stats)}`);
    if (stats.seats.held > 0 && bookingsIn(stats, 'PENDING') + bookingsIn(stats, 'HELD') === 0) {
      console.warn(`event ${eventId}: ${stats.seats.held} seats still HELD although no booking is in flight`);
    }
    for (const problem of inventoryProblems(stats)) problems.push(`event ${eventId}: ${problem}`);
  }
  if (problems.length > 0) abort(`inventory invariants broken: ${problems.join('; ')}`);
}
