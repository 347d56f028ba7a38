import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import { type Recorder, type Request, jsonPost, send } from './load.js';

export interface Seat {
  row: number;
  col: number;
}

/** What a buyer asks for: given seats, or the best `quantity` available ones. */
export type SeatChoice = { seats: Seat[] } | { quantity: number };

export interface Grid {
  rows: number;
  cols: number;
}

/** PENDING and HELD are still in flight; everything else is a final answer. */
export const TERMINAL_STATUSES = ['CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED', 'CANCELLED'];
export const IN_FLIGHT_STATUSES = ['PENDING', 'HELD'];

export interface EventStats {
  eventId: number;
  totalSeats: number;
  seats: { available: number; held: number; booked: number };
  bookings: Record<string, number>;
}

/** An accepted (202) booking, and when its answer arrived (epoch ms, sub-millisecond). */
export interface Accepted {
  bookingId: string;
  userId: string;
  answeredAt: number;
}

/** Epoch milliseconds with the monotonic clock's resolution, comparable with PostgreSQL's timestamps on this host. */
export function wallClock(monotonic = performance.now()): number {
  return performance.timeOrigin + monotonic;
}

/** The most square grid of exactly `total` seats the API accepts (each side 1..1000). */
export function gridFor(total: number): Grid {
  for (let rows = Math.floor(Math.sqrt(total)); rows >= 1; rows--) {
    if (total % rows === 0 && total / rows <= 1000) return { rows, cols: total / rows };
  }
  throw new Error(`${total} seats cannot be laid out as rows×cols with both sides ≤ 1000`);
}

export function seatAt(grid: Grid, index: number): Seat {
  return { row: Math.floor(index / grid.cols) + 1, col: (index % grid.cols) + 1 };
}

/** As the k6 scripts do: one random seat, or for `quantityShare` of the buyers the best 1..maxQuantity seats. */
export function randomChoice(random: () => number, grid: Grid, quantityShare: number, maxQuantity: number): SeatChoice {
  if (random() < quantityShare) return { quantity: 1 + Math.floor(random() * maxQuantity) };
  return { seats: [{ row: 1 + Math.floor(random() * grid.rows), col: 1 + Math.floor(random() * grid.cols) }] };
}

/** How buyers say who they are: X-User-Id set by an authenticating proxy (AUTH_MODE=header) or a bearer token each (jwt). */
export interface Identities {
  buyer(userId: string): Record<string, string>;
  /** The headers of whoever creates the events. */
  admin: Record<string, string>;
}

/** AUTH_MODE=header without ADMIN_TOKEN, as the bench's gateway runs unless a scenario says otherwise. */
export const HEADER_IDENTITIES: Identities = { buyer: (userId) => ({ 'x-user-id': userId }), admin: {} };

export function bookingRequest(eventId: number, userId: string, choice: SeatChoice, identities = HEADER_IDENTITIES): Request {
  return jsonPost('/bookings', { eventId, ...choice }, identities.buyer(userId));
}

export async function createEvent(gatewayUrl: string, name: string, grid: Grid, identities = HEADER_IDENTITIES): Promise<number> {
  const headers = { ...identities.admin, 'content-type': 'application/json' };
  const response = await fetch(`${gatewayUrl}/events`, { method: 'POST', headers, body: JSON.stringify({ name, ...grid }) });
  const body = (await response.json()) as { id?: number };
  if (response.status !== 201 || typeof body.id !== 'number') throw new Error(`POST /events answered ${response.status}: ${JSON.stringify(body)}`);
  return body.id;
}

export async function eventStats(gatewayUrl: string, eventId: number): Promise<EventStats> {
  const response = await fetch(`${gatewayUrl}/events/${eventId}/stats`);
  if (response.status !== 200) throw new Error(`GET /events/${eventId}/stats answered ${response.status}`);
  return (await response.json()) as EventStats;
}

/** Seats the read side reports available (GET /events/{id}), which is what a sold-out refusal would rely on. */
export async function availableSeats(gatewayUrl: string, eventId: number): Promise<number> {
  const response = await fetch(`${gatewayUrl}/events/${eventId}`);
  const body = (await response.json()) as { available?: number; seats?: { available?: number } };
  return body.seats?.available ?? body.available ?? Number.NaN;
}

/** The booking id of a 202, or undefined for any other answer. */
export function acceptedId(reply: { status: number; body: string } | undefined): string | undefined {
  if (reply?.status !== 202) return undefined;
  const id = (JSON.parse(reply.body) as { bookingId?: unknown }).bookingId;
  return typeof id === 'string' ? id : undefined;
}

const FIRST_POLL_MS = 100;
const MAX_POLL_PAUSE_MS = 1000;

/**
 * Polls GET /bookings/{id} like a buyer (as the k6 scripts do): first after 100 ms, then 1.5× longer each time up to
 * 1 s, until a terminal status or the timeout. Resolves with the terminal status, or undefined.
 */
export async function pollUntilTerminal(pool: Pool, recorder: Recorder, booking: Accepted, timeoutMs: number, identities = HEADER_IDENTITIES): Promise<string | undefined> {
  const deadline = performance.now() + timeoutMs;
  let pause = FIRST_POLL_MS;
  while (performance.now() < deadline) {
    await sleep(pause);
    pause = Math.min(pause * 1.5, MAX_POLL_PAUSE_MS);
    const reply = await send(pool, recorder, { method: 'GET', path: `/bookings/${booking.bookingId}`, headers: identities.buyer(booking.userId) });
    if (reply?.status !== 200) continue;
    const { status } = JSON.parse(reply.body) as { status: string };
    if (TERMINAL_STATUSES.includes(status)) return status;
  }
  return undefined;
}
