import { setTimeout as sleep } from 'node:timers/promises';
import { IN_FLIGHT_STATUSES, TERMINAL_STATUSES, eventStats } from './api.js';

/** One correctness check, read from PostgreSQL after a scenario. A failed check makes the bench exit non-zero. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Database {
  sql<T>(text: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Waits until PostgreSQL holds at least `expected` bookings for the events and none of them in flight (PENDING,
 * HELD), or until the timeout; the checks then judge whatever state was reached. Only index-backed counts of the
 * events: polling with the list of accepted ids would cost PostgreSQL more than some scenarios it observes.
 */
export async function settle(db: Database, eventIds: number[], expected: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const count = async (statuses?: string[]) => {
    const [row] = await db.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM bookings WHERE event_id = ANY($1::bigint[])${statuses ? ' AND status = ANY($2::text[])' : ''}`,
      statuses ? [eventIds, statuses] : [eventIds],
    );
    return row.n;
  };
  while (performance.now() < deadline) {
    if ((await count(IN_FLIGHT_STATUSES)) === 0 && (await count()) >= expected) return;
    await sleep(250);
  }
}

/** What to check besides PostgreSQL itself. */
export interface CheckScope {
  /** A gateway whose `/events/{id}/stats` must agree with PostgreSQL. */
  gatewayUrl?: string;
  /** What buyers last read from GET /bookings/{id}, by booking id (undefined: never terminal). */
  polled?: Map<string, string | undefined>;
  /** False for a baseline that sells without SeatGrid's payment step, where CONFIRMED does not mean charged. */
  payments?: boolean;
}

/**
 * The correctness invariants of the given events — the one checker of the bench and the end-to-end specs
 * (test/support/invariants.ts); k6 checks a subset through `/events/{id}/stats`, the only view it has:
 * seats sold ≤ seats existing; no seat in two bookings (bookings.seats of CONFIRMED/HELD bookings against
 * seats.booking_id, both ways); each seat's status agrees with its booking's (BOOKED ⇔ CONFIRMED, HELD ⇔ HELD) and
 * such a booking owns as many seats as it asked for; every accepted booking recorded and terminal; no booking of the
 * events left in flight; every CONFIRMED booking charged and nothing charged for another unless its refund is
 * pending or done; and, when asked, `/events/{id}/stats` and what buyers polled agree with PostgreSQL.
 */
export async function checkEvents(db: Database, eventIds: number[], accepted: string[], { gatewayUrl, polled, payments = true }: CheckScope = {}): Promise<Check[]> {
  const checks = [
    await seatsWithinCapacity(db, eventIds),
    await noSeatInTwoBookings(db, eventIds),
    await seatStatusAgrees(db, eventIds),
    await everyAcceptedTerminal(db, accepted),
    await nothingInFlight(db, eventIds),
  ];
  if (payments) checks.push(await paymentsAgree(db, eventIds));
  if (gatewayUrl) checks.push(await statsAgree(db, gatewayUrl, eventIds));
  if (polled) checks.push(await pollsAgree(db, polled));
  return checks;
}

async function seatsWithinCapacity(db: Database, eventIds: number[]): Promise<Check> {
  const rows = await db.sql<{ id: string; capacity: number; seats: number; taken: number; claimed: number }>(
    `SELECT e.id, e.rows * e.cols AS capacity,
            (SELECT count(*)::int FROM seats s WHERE s.event_id = e.id) AS seats,
            (SELECT count(*)::int FROM seats s WHERE s.event_id = e.id AND s.status <> 'AVAILABLE') AS taken,
            (SELECT coalesce(sum(jsonb_array_length(b.seats)), 0)::int FROM bookings b WHERE b.event_id = e.id AND b.status IN ('CONFIRMED', 'HELD')) AS claimed
     FROM events e WHERE e.id = ANY($1::bigint[]) ORDER BY e.id`,
    [eventIds],
  );
  const problems = rows.filter((r) => r.seats !== r.capacity || r.taken > r.seats || r.claimed > r.seats);
  const missing = eventIds.length - rows.length;
  return {
    name: 'seats sold ≤ seats existing',
    ok: problems.length === 0 && missing === 0,
    detail: [
      ...rows.map((r) => `event ${r.id}: ${r.taken} of ${r.seats} seats taken (grid ${r.capacity}), ${r.claimed} claimed by CONFIRMED/HELD bookings`),
      ...(missing > 0 ? [`${missing} event(s) missing`] : []),
    ].join('; '),
  };
}

async function noSeatInTwoBookings(db: Database, eventIds: number[]): Promise<Check> {
  const [r] = await db.sql<{ claims: number; in_two_bookings: number; owner_differs: number; owner_unknown: number }>(
    `WITH claimed AS (
       SELECT b.event_id, b.id AS booking_id, (seat->>'row')::int AS seat_row, (seat->>'col')::int AS seat_col
       FROM bookings b CROSS JOIN LATERAL jsonb_array_elements(b.seats) AS seat
       WHERE b.event_id = ANY($1::bigint[]) AND b.status IN ('CONFIRMED', 'HELD'))
     SELECT (SELECT count(*)::int FROM claimed) AS claims,
            (SELECT count(*)::int FROM (SELECT 1 FROM claimed GROUP BY event_id, seat_row, seat_col HAVING count(*) > 1) twice) AS in_two_bookings,
            (SELECT count(*)::int FROM claimed c LEFT JOIN seats s USING (event_id, seat_row, seat_col) WHERE s.booking_id IS DISTINCT FROM c.booking_id) AS owner_differs,
            (SELECT count(*)::int FROM seats s WHERE s.event_id = ANY($1::bigint[]) AND s.booking_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM claimed c WHERE c.booking_id = s.booking_id AND c.event_id = s.event_id AND c.seat_row = s.seat_row AND c.seat_col = s.seat_col)) AS owner_unknown`,
    [eventIds],
  );
  return {
    name: 'no seat in two bookings',
    ok: r.in_two_bookings === 0 && r.owner_differs === 0 && r.owner_unknown === 0,
    detail:
      `${r.claims} seats claimed by CONFIRMED/HELD bookings; ${r.in_two_bookings} claimed twice, ` +
      `${r.owner_differs} whose seats.booking_id names another booking, ${r.owner_unknown} seats owned by no such booking`,
  };
}

async function seatStatusAgrees(db: Database, eventIds: number[]): Promise<Check> {
  const [r] = await db.sql<{ booked_unconfirmed: number; held_not_held: number; seats_short: number }>(
    `SELECT (SELECT count(*)::int FROM seats s LEFT JOIN bookings b ON b.event_id = s.event_id AND b.id = s.booking_id
             WHERE s.event_id = ANY($1::bigint[]) AND s.status = 'BOOKED' AND b.status IS DISTINCT FROM 'CONFIRMED') AS booked_unconfirmed,
            (SELECT count(*)::int FROM seats s LEFT JOIN bookings b ON b.event_id = s.event_id AND b.id = s.booking_id
             WHERE s.event_id = ANY($1::bigint[]) AND s.status = 'HELD' AND b.status IS DISTINCT FROM 'HELD') AS held_not_held,
            (SELECT count(*)::int FROM bookings b WHERE b.event_id = ANY($1::bigint[]) AND b.status IN ('CONFIRMED', 'HELD')
               AND jsonb_array_length(b.seats) <> coalesce(b.quantity, jsonb_array_length(b.requested_seats))) AS seats_short`,
    [eventIds],
  );
  return {
    name: 'seat status agrees with its booking',
    ok: r.booked_unconfirmed === 0 && r.held_not_held === 0 && r.seats_short === 0,
    detail:
      `${r.booked_unconfirmed} BOOKED seats of a booking that is not CONFIRMED, ${r.held_not_held} HELD seats of a booking that is not HELD, ` +
      `${r.seats_short} CONFIRMED/HELD bookings owning another number of seats than they asked for`,
  };
}

async function everyAcceptedTerminal(db: Database, accepted: string[]): Promise<Check> {
  const rows = await db.sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM bookings WHERE id = ANY($1::uuid[]) GROUP BY status ORDER BY status', [accepted]);
  const missing = accepted.length - rows.reduce((sum, r) => sum + r.n, 0);
  const open = rows.filter((r) => !TERMINAL_STATUSES.includes(r.status));
  return {
    name: 'every accepted booking terminal',
    ok: missing === 0 && open.length === 0,
    detail: `${accepted.length} accepted: ${rows.map((r) => `${r.n} ${r.status}`).join(', ') || 'none'}${missing > 0 ? `, ${missing} missing from PostgreSQL` : ''}`,
  };
}

async function nothingInFlight(db: Database, eventIds: number[]): Promise<Check> {
  const rows = await db.sql<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM bookings WHERE event_id = ANY($1::bigint[]) AND status = ANY($2::text[]) GROUP BY status ORDER BY status',
    [eventIds, IN_FLIGHT_STATUSES],
  );
  return {
    name: 'no booking left in flight',
    ok: rows.length === 0,
    detail: rows.length === 0 ? 'none PENDING or HELD' : rows.map((r) => `${r.n} ${r.status}`).join(', '),
  };
}

/** The mock provider's ledger is keyed by booking id. */
async function paymentsAgree(db: Database, eventIds: number[]): Promise<Check> {
  const rows = await db.sql<{ id: string; status: string; payment: string | null }>(
    `SELECT b.id, b.status, p.status AS payment FROM bookings b LEFT JOIN payments p ON p.idempotency_key = b.id::text
     WHERE b.event_id = ANY($1::bigint[])
       AND ((b.status = 'CONFIRMED' AND p.status IS DISTINCT FROM 'CHARGED') OR (b.status <> 'CONFIRMED' AND p.status = 'CHARGED' AND NOT b.refund_pending))
     ORDER BY b.id`,
    [eventIds],
  );
  return {
    name: 'payments agree with bookings',
    ok: rows.length === 0,
    detail: rows.length === 0 ? 'every CONFIRMED booking charged, every other charge refunded or pending refund' : rows.slice(0, 10).map((r) => `${r.status} booking ${r.id} is ${r.payment ?? 'not charged'}`).join('; '),
  };
}

async function statsAgree(db: Database, gatewayUrl: string, eventIds: number[]): Promise<Check> {
  const problems: string[] = [];
  for (const eventId of eventIds) {
    const stats = await eventStats(gatewayUrl, eventId);
    const seats = await db.sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM seats WHERE event_id = $1 GROUP BY status', [eventId]);
    const bookings = await db.sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM bookings WHERE event_id = $1 GROUP BY status', [eventId]);
    const seatsIn = (status: string) => seats.find((r) => r.status === status)?.n ?? 0;
    const expected: Record<string, number> = {
      'seats.available': seatsIn('AVAILABLE'),
      'seats.held': seatsIn('HELD'),
      'seats.booked': seatsIn('BOOKED'),
      totalSeats: seats.reduce((sum, r) => sum + r.n, 0),
      ...Object.fromEntries(bookings.map((r) => [`bookings.${r.status}`, r.n])),
    };
    const reported: Record<string, number> = {
      'seats.available': stats.seats.available,
      'seats.held': stats.seats.held,
      'seats.booked': stats.seats.booked,
      totalSeats: stats.totalSeats,
      ...Object.fromEntries(Object.entries(stats.bookings).map(([status, n]) => [`bookings.${status}`, n])),
    };
    for (const key of new Set([...Object.keys(expected), ...Object.keys(reported)])) {
      if ((expected[key] ?? 0) !== (reported[key] ?? 0)) problems.push(`event ${eventId} ${key}: stats ${reported[key] ?? 0}, PostgreSQL ${expected[key] ?? 0}`);
    }
  }
  return { name: 'counts agree with /events/{id}/stats', ok: problems.length === 0, detail: problems.join('; ') || `${eventIds.length} event(s) agree` };
}

async function pollsAgree(db: Database, polled: Map<string, string | undefined>): Promise<Check> {
  const rows = await db.sql<{ id: string; status: string }>('SELECT id, status FROM bookings WHERE id = ANY($1::uuid[])', [[...polled.keys()]]);
  const stored = new Map(rows.map((r) => [r.id, r.status]));
  const unresolved = [...polled.values()].filter((status) => status === undefined).length;
  const differ = [...polled].filter(([id, status]) => status !== undefined && status !== stored.get(id)).length;
  return {
    name: 'GET /bookings/{id} agrees with PostgreSQL',
    ok: unresolved === 0 && differ === 0,
    detail: `${polled.size} bookings polled: ${unresolved} never read terminal within the poll timeout, ${differ} read a status PostgreSQL does not have`,
  };
}
